import { randomUUID } from "node:crypto";
import { json, send, sendJson } from "./shared/http-io.ts";
import { handleChatCompletion, openAiError, type ChatFlavour } from "./shared/openai-chat.ts";
import { findRoute, type Route } from "./shared/routes.ts";
import type { KindDefinition } from "./shared/types.ts";

// candle-vllm: three routes only, no /health; one pipeline per server that answers whatever model is named.
// `created` in /v1/models is in milliseconds. "stream-error": the connection drops after three chunks.

const flavour: ChatFlavour = {
  id: () => `cmpl-${randomUUID()}`,
  roleChunk: "first-content",
  streamError: "cut",
  errorBody: (s, message) => openAiError(s, message),
  async resolveModel(_requested, ctx) {
    const pipeline = ctx.models.available[0] ?? "default";
    return { model: pipeline, loadMs: await ctx.ensureLoaded(pipeline) };
  },
};

const routes: Route[] = [
  {
    method: "GET", path: "/v1/models", handler: (_q, res, ctx) =>
      sendJson(res, 200, {
        object: "list",
        data: ctx.models.available.slice(0, 1).map((id) => ({
          id, object: "model", created: Date.now(), owned_by: "candle-vllm", permission: [], modalities: ["text"], max_model_len: 32768,
        })),
      }),
  },
  { method: "POST", path: "/v1/chat/completions", handler: (q, res, ctx) => handleChatCompletion(q, res, ctx, flavour) },
];

export const candleVllmSimulator: KindDefinition = {
  kind: "candle-vllm",
  defaultModels: ["qwen3"],
  modes: ["stream-error"],
  impostor: "openai-compatible",
  handle(req, res, ctx) {
    const route = findRoute(routes, req.method, req.path);
    if (!route) return send(res, { status: 404, contentType: "text/plain", body: "" });
    return route.handler(req, res, ctx, route.params);
  },
  errorReply: (s, message) => json(s, openAiError(s, message)),
};
