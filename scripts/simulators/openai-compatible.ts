import { randomUUID } from "node:crypto";
import { json, send, sendJson } from "./shared/http-io.ts";
import { handleChatCompletion, openAiError, type ChatFlavour } from "./shared/openai-chat.ts";
import { findRoute, type Route } from "./shared/routes.ts";
import type { KindDefinition } from "./shared/types.ts";

// A plain OpenAI-compatible server, shaped like the FastAPI servers most people run (vLLM and friends): /health,
// /v1/models, /v1/chat/completions. "loading": 503 with an OpenAI error on every route but /health (which is 503
// with an empty body). "stream-error": the connection drops after three chunks, no error frame and no [DONE].

const CREATED = 1735000000;

const flavour: ChatFlavour = {
  id: () => `chatcmpl-${randomUUID().replace(/-/g, "")}`,
  roleChunk: "separate",
  streamError: "cut",
  errorBody: (status, message) => openAiError(status, message),
  async resolveModel(requested, ctx) {
    if (!requested) return { status: 400, body: openAiError(400, "you must provide a model parameter", { param: "model" }) };
    if (!ctx.models.has(requested)) {
      return { status: 404, body: openAiError(404, `The model \`${requested}\` does not exist.`, { param: "model", code: "model_not_found" }) };
    }
    return { model: requested, loadMs: await ctx.ensureLoaded(requested) };
  },
};

const model = (id: string) => ({ id, object: "model", created: CREATED, owned_by: "system", root: id, parent: null, max_model_len: 8192, permission: [] });

const routes: Route[] = [
  { method: "GET", path: "/health", handler: (_q, res) => send(res, { status: 200, contentType: "application/json", body: "" }) },
  { method: "GET", path: "/v1/models", handler: (_q, res, ctx) => sendJson(res, 200, { object: "list", data: ctx.models.available.map(model) }) },
  {
    method: "GET", path: /^\/v1\/models\/(.+)$/, handler: (_q, res, ctx, [id]) =>
      ctx.models.has(id) ? sendJson(res, 200, model(id)) : sendJson(res, 404, openAiError(404, `The model \`${id}\` does not exist.`, { code: "model_not_found" })),
  },
  { method: "POST", path: "/v1/chat/completions", handler: (q, res, ctx) => handleChatCompletion(q, res, ctx, flavour) },
];

export const openAiCompatibleSimulator: KindDefinition = {
  kind: "openai-compatible",
  defaultModels: ["meta-llama/Llama-3.1-8B-Instruct"],
  modes: ["loading", "stream-error"],
  impostor: "lmstudio",
  handle(req, res, ctx) {
    if (ctx.mode === "loading") {
      if (req.path === "/health") return send(res, { status: 503, contentType: "application/json", body: "" });
      return sendJson(res, 503, openAiError(503, "The model is still loading; try again shortly."));
    }
    const route = findRoute(routes, req.method, req.path);
    if (!route) return sendJson(res, 404, { detail: "Not Found" });
    return route.handler(req, res, ctx, route.params);
  },
  errorReply: (status, message) => json(status, openAiError(status, message)),
};
