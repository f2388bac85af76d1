import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import { json, send, sendJson } from "./shared/http-io.ts";
import { handleChatCompletion, type ChatFlavour } from "./shared/openai-chat.ts";
import { findRoute, type Route } from "./shared/routes.ts";
import type { KindDefinition, SimContext, SimRequest } from "./shared/types.ts";

// mlx_lm.server 0.32. /health is static (`{"status": "ok"}`, with the space) and says nothing about the model.
// Unknown paths: 404 with the bytes `Not Found` although the content type says JSON. One model is held at a time;
// naming another cached one loads it in the request. "loading"/"unloaded": no model in memory, so the next chat
// loads one first (delayMs / loadMs); nothing else shows it. "stream-error": the connection drops after three
// chunks (an uncaught exception in the handler), no [DONE].

export const MLX_DEFAULT_MODEL = "mlx-community/Llama-3.2-3B-Instruct-4bit";
const FINGERPRINT = "0.32.0-0.29.3-macOS-15.6.1-arm64-arm-64bit-applegpu_g16s";

const flavour: ChatFlavour = {
  id: () => `chatcmpl-${randomUUID()}`,
  fingerprint: () => FINGERPRINT,
  roleChunk: "every",
  streamError: "cut",
  keepalive: true,
  usageChunkObject: "chat.completion",
  errorBody: (_s, message) => ({ error: message }),
  async resolveModel(requested, ctx) {
    const name = requested ?? "default_model";
    // "default_model" maps to --model, the first model the server was given.
    const repo = name === "default_model" ? ctx.models.available[0] : name;
    if (!repo || !ctx.models.has(repo)) {
      return { status: 404, body: { error: `Repository Not Found for url: https://huggingface.co/api/models/${name}/revision/main.` } };
    }
    const loadMs = await ctx.ensureLoaded(repo);
    for (const other of ctx.models.loaded) if (other !== repo) ctx.models.unload(other);
    return { model: name, loadMs };
  },
};

function chat(req: SimRequest, res: ServerResponse, ctx: SimContext): Promise<void> | void {
  // mlx_lm reads exactly Content-Length bytes; a chunked body is refused.
  if (req.raw.headers["content-length"] === undefined) return sendJson(res, 411, { error: "Content-Length header is required" });
  return handleChatCompletion(req, res, ctx, flavour);
}

const model = (id: string) => ({ id, object: "model", created: Math.floor(Date.now() / 1000) });
const notFound = (res: ServerResponse) => send(res, { status: 404, contentType: "application/json", body: "Not Found" });

const routes: Route[] = [
  { method: "GET", path: "/health", handler: (_q, res) => send(res, { status: 200, contentType: "application/json", body: '{"status": "ok"}' }) },
  { method: "GET", path: "/v1/models", handler: (_q, res, ctx) => sendJson(res, 200, { object: "list", data: ctx.models.available.map(model) }) },
  { method: "GET", path: /^\/v1\/models\/(.+)$/, handler: (_q, res, ctx, [id]) => (ctx.models.has(id) ? sendJson(res, 200, model(id)) : notFound(res)) },
  { method: "POST", path: "/v1/chat/completions", handler: chat },
  { method: "POST", path: "/chat/completions", handler: chat },
];

export const mlxSimulator: KindDefinition = {
  kind: "mlx",
  defaultModels: [MLX_DEFAULT_MODEL],
  modes: ["loading", "unloaded", "stream-error"],
  impostor: "llamacpp",
  handle(req, res, ctx) {
    if (req.method === "OPTIONS") return send(res, { status: 204, contentType: "text/plain", body: "" }, { "Access-Control-Allow-Origin": "*" });
    const route = findRoute(routes, req.method, req.path);
    if (!route) return notFound(res);
    return route.handler(req, res, ctx, route.params);
  },
  errorReply: (s, message) => json(s, { error: message }),
};
