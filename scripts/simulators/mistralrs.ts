import { randomUUID } from "node:crypto";
import { json, send, sendJson, sendText } from "./shared/http-io.ts";
import { handleChatCompletion, openAiError, type ChatFlavour } from "./shared/openai-chat.ts";
import { findRoute, type Route } from "./shared/routes.ts";
import type { KindDefinition, SimContext } from "./shared/types.ts";

// mistral.rs (a Candle-based server; default port 1234, like LM Studio). /health and / answer "OK" whatever the model
// state. "unloaded": the model's status is "unloaded" in /v1/models and the next chat reloads it (loadMs).
// "loading": status "reloading" and the next chat waits delayMs. "stream-error": the connection drops after three
// chunks. Error bodies are OpenAI-shaped (the exact mistral.rs wording is UNCONFIRMED).

const round = (n: number) => Math.round(n * 1000) / 1000;

function status(ctx: SimContext, id: string): "loaded" | "unloaded" | "reloading" {
  if (ctx.models.isLoaded(id)) return "loaded";
  return ctx.mode === "loading" ? "reloading" : "unloaded";
}

const flavour: ChatFlavour = {
  id: () => `chatcmpl-${randomUUID()}`,
  fingerprint: () => "local",
  roleChunk: "first-content",
  streamError: "cut",
  errorBody: (s, message) => openAiError(s, message),
  async resolveModel(requested, ctx) {
    const id = !requested || requested === "default" ? ctx.models.available[0] : requested;
    if (!id || !ctx.models.has(id)) return { status: 404, body: openAiError(404, `Model \`${requested}\` not found.`) };
    return { model: requested ?? "default", loadMs: await ctx.ensureLoaded(id) };
  },
  usageExtras: (t) => ({
    avg_tok_per_sec: round(((t.promptTokens + t.completionTokens) * 1000) / Math.max(0.001, t.promptMs + t.completionMs)),
    avg_prompt_tok_per_sec: round((t.promptTokens * 1000) / Math.max(0.001, t.promptMs)),
    avg_compl_tok_per_sec: round((t.completionTokens * 1000) / Math.max(0.001, t.completionMs)),
    total_time_sec: round((t.promptMs + t.completionMs) / 1000),
    total_prompt_time_sec: round(t.promptMs / 1000),
    total_completion_time_sec: round(t.completionMs / 1000),
  }),
};

const created = () => Math.floor(Date.now() / 1000);

const routes: Route[] = [
  { method: "GET", path: "/health", handler: (_q, res) => sendText(res, 200, "OK") },
  { method: "GET", path: "/", handler: (_q, res) => sendText(res, 200, "OK") },
  {
    method: "GET", path: "/v1/models", handler: (_q, res, ctx) =>
      sendJson(res, 200, {
        object: "list",
        data: [
          { id: "default", object: "model", created: created(), owned_by: "local", root: "default" },
          ...ctx.models.available.map((id) => ({ id, object: "model", created: created(), owned_by: "local", root: id, status: status(ctx, id), tools_available: false })),
        ],
      }),
  },
  { method: "POST", path: "/v1/chat/completions", handler: (q, res, ctx) => handleChatCompletion(q, res, ctx, flavour) },
];

export const mistralRsSimulator: KindDefinition = {
  kind: "mistralrs",
  defaultModels: ["microsoft/Phi-3.5-mini-instruct"],
  modes: ["loading", "unloaded", "stream-error"],
  impostor: "lmstudio",
  handle(req, res, ctx) {
    const route = findRoute(routes, req.method, req.path);
    // axum's fallback: 404 with an empty body.
    if (!route) return send(res, { status: 404, contentType: "text/plain", body: "" });
    return route.handler(req, res, ctx, route.params);
  },
  errorReply: (s, message) => json(s, openAiError(s, message)),
};
