import { randomUUID } from "node:crypto";
import { json, sendJson } from "./shared/http-io.ts";
import { handleChatCompletion, openAiError, type ChatFlavour } from "./shared/openai-chat.ts";
import { findRoute, type Route } from "./shared/routes.ts";
import type { KindDefinition } from "./shared/types.ts";

// An OpenAI-compatible vision chat server (PyVision in the reference setup). Image parts must be data URLs
// (image/png, jpeg, webp, or `data:;base64,`); http(s) URLs are refused as Ollama and LM Studio refuse them. The
// answer describes each image: format, size and, for simple PNGs, the main colour ("The image is a 16x16 PNG,
// mostly red."); without an image it answers the fixed sentence. "loading": 503 on every route. "stream-error":
// an OpenAI error frame after three chunks, no [DONE].

const flavour: ChatFlavour = {
  id: () => `chatcmpl-${randomUUID().replace(/-/g, "")}`,
  roleChunk: "first-content",
  streamError: "error-frame",
  vision: true,
  errorBody: (s, message) => openAiError(s, message),
  checkImage(url) {
    if (/^https?:/i.test(url)) return "image URLs are not currently supported, please use base64 encoded data instead";
    if (!/^data:(image\/(png|jpeg|jpg|webp))?;base64,/i.test(url)) return "invalid image input: expected a base64 data URL (image/png, image/jpeg or image/webp)";
    return undefined;
  },
  async resolveModel(requested, ctx) {
    const id = requested ?? ctx.models.available[0];
    if (!id || !ctx.models.has(id)) return { status: 404, body: openAiError(404, `model '${requested}' not found`, { code: "model_not_found" }) };
    return { model: id, loadMs: await ctx.ensureLoaded(id) };
  },
};

const routes: Route[] = [
  { method: "GET", path: "/health", handler: (_q, res) => sendJson(res, 200, { status: "ok" }) },
  {
    method: "GET", path: "/v1/models", handler: (_q, res, ctx) =>
      sendJson(res, 200, { object: "list", data: ctx.models.available.map((id) => ({ id, object: "model", created: 1735000000, owned_by: "pyvision" })) }),
  },
  { method: "POST", path: "/v1/chat/completions", handler: (q, res, ctx) => handleChatCompletion(q, res, ctx, flavour) },
];

export const visionOpenAiSimulator: KindDefinition = {
  kind: "vision-openai",
  defaultModels: ["pyvision"],
  modes: ["loading", "stream-error"],
  impostor: "mlx",
  handle(req, res, ctx) {
    if (ctx.mode === "loading") return sendJson(res, 503, openAiError(503, "The vision model is still loading"));
    const route = findRoute(routes, req.method, req.path);
    if (!route) return sendJson(res, 404, { detail: "Not Found" });
    return route.handler(req, res, ctx, route.params);
  },
  errorReply: (s, message) => json(s, openAiError(s, message)),
};
