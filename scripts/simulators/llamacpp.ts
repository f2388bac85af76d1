import type { ServerResponse } from "node:http";
import { isRecord, json, parseJson, send, sendJson, sleep } from "./shared/http-io.ts";
import { handleChatCompletion, llamaTimings, type ChatFlavour } from "./shared/openai-chat.ts";
import { estimateTokens, replyTokens } from "./shared/reply-text.ts";
import { findRoute, type Route } from "./shared/routes.ts";
import { StreamWriter } from "./shared/stream-writer.ts";
import type { KindDefinition, SimContext, SimRequest } from "./shared/types.ts";

// llama.cpp llama-server, single-model mode (the model field is echoed, not used for routing). "loading": every route
// answers 503 unavailable_error except /v1/models, /models and /api/tags (meta null) and / (a 503 HTML page).
// "unloaded": the server sleeps (/props is_sleeping) and the next completion wakes it (loadMs). "stream-error":
// after three chunks an `error: {…}` SSE line as llama.cpp writes it, then the connection drops (no [DONE]), so
// clients that ignore unknown SSE fields still see a truncated stream.

const BUILD = "b6500-5f1a2c3d";
const TOTAL_SLOTS = 4;
const ERROR_TYPES: Record<number, string> = {
  400: "invalid_request_error", 401: "authentication_error", 403: "permission_error", 404: "not_found_error",
  500: "server_error", 501: "not_supported_error", 503: "unavailable_error",
};
const error = (code: number, message: string) => ({ error: { code, message, type: ERROR_TYPES[code] ?? "server_error" } });
const modelId = (ctx: SimContext) => ctx.models.available[0] ?? "model.gguf";

function busy(ctx: SimContext, delta = 0): number {
  const n = ((ctx.state.get("busy") as number | undefined) ?? 0) + delta;
  ctx.state.set("busy", n);
  return n;
}

/** Counts a request as occupying a slot while it runs, so /slots works as a concurrency gauge. */
async function inSlot(ctx: SimContext, work: () => Promise<void>): Promise<void> {
  busy(ctx, 1);
  try {
    await work();
  } finally {
    busy(ctx, -1);
  }
}

const flavour: ChatFlavour = {
  id: () => `chatcmpl-${Array.from({ length: 32 }, () => "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"[Math.floor(Math.random() * 62)]).join("")}`,
  fingerprint: () => BUILD,
  roleChunk: "separate",
  streamError: "error-line",
  timings: true,
  errorBody: error,
  resolveModel: async (requested, ctx) => ({ model: requested ?? modelId(ctx), loadMs: await ctx.ensureLoaded(modelId(ctx)) }),
};

function models(ctx: SimContext) {
  const id = modelId(ctx);
  const ready = ctx.mode !== "loading";
  return {
    models: [{
      name: id, model: id, modified_at: "", size: "", digest: "", type: "model", description: "", tags: [""], capabilities: ["completion"], parameters: "",
      details: { parent_model: "", format: "gguf", family: "", families: [""], parameter_size: "", quantization_level: "" },
    }],
    object: "list",
    data: [{ id, object: "model", created: Math.floor(Date.now() / 1000), owned_by: "llamacpp", meta: ready ? { vocab_type: 2, n_vocab: 65536, n_ctx_train: 128000, n_embd: 2048, n_params: 1_170_340_608, size: 730_893_248 } : null }],
  };
}

async function completion(req: SimRequest, res: ServerResponse, ctx: SimContext): Promise<void> {
  const started = performance.now();
  const parsed = parseJson(await req.body());
  if (!parsed.ok || !isRecord(parsed.value)) return sendJson(res, 400, error(400, "Invalid JSON in request body"));
  const body = parsed.value;
  if (body.prompt === undefined) return sendJson(res, 400, error(400, '"prompt" must be provided'));
  await ctx.ensureLoaded(modelId(ctx));
  const prompt = typeof body.prompt === "string" ? body.prompt : JSON.stringify(body.prompt);
  const { tokens, finish } = replyTokens(ctx.settings.reply, typeof body.n_predict === "number" && body.n_predict >= 0 ? body.n_predict : undefined);
  const promptTokens = estimateTokens(prompt);
  const promptMs = performance.now() - started;
  const final = (content: string) => ({
    content, tokens: [], id_slot: 0, stop: true, model: modelId(ctx), tokens_predicted: tokens.length, tokens_evaluated: promptTokens,
    generation_settings: { n_predict: body.n_predict ?? -1, temperature: body.temperature ?? 0.8 }, prompt, stop_type: finish === "stop" ? "eos" : "limit",
    stopping_word: "", tokens_cached: promptTokens + tokens.length, truncated: false,
    timings: llamaTimings({ promptTokens, completionTokens: tokens.length, promptMs, completionMs: performance.now() - started - promptMs }),
  });
  if (body.stream !== true) {
    await sleep(tokens.length * ctx.settings.tokenDelayMs);
    return sendJson(res, 200, final(tokens.join("")));
  }
  const w = StreamWriter.sse(res);
  for (let i = 0; i < tokens.length; i++) {
    if (!(await w.pause(ctx.settings.tokenDelayMs))) return;
    if (ctx.mode === "stream-error" && i === Math.min(3, tokens.length - 1)) {
      w.write(`error: ${JSON.stringify(error(500, "simulated failure in the middle of the stream").error)}\n\n`);
      return w.cut();
    }
    w.send({ content: tokens[i], stop: false, id_slot: 0, tokens_predicted: i + 1, tokens_evaluated: promptTokens });
  }
  w.send(final(""));
  w.end();
}

function slots(req: SimRequest, res: ServerResponse, ctx: SimContext): void {
  const inUse = Math.min(TOTAL_SLOTS, busy(ctx));
  if (req.query.get("fail_on_no_slot") === "1" && inUse >= TOTAL_SLOTS) return sendJson(res, 503, error(503, "no slot available"));
  sendJson(res, 200, Array.from({ length: TOTAL_SLOTS }, (_, id) => ({
    id, id_task: id < inUse ? 100 + id : -1, n_ctx: 4096, speculative: false, is_processing: id < inUse,
    params: { n_predict: -1, temperature: 0.8 }, next_token: { has_next_token: id < inUse, has_new_line: false, n_remain: -1, n_decoded: 0 },
  })));
}

const chat = (q: SimRequest, res: ServerResponse, ctx: SimContext) => inSlot(ctx, () => handleChatCompletion(q, res, ctx, flavour));
const HTML = "<!doctype html><html><head><title>llama.cpp - chat</title></head><body><div id=\"app\"></div></body></html>";

const routes: Route[] = [
  { method: "GET", path: "/", handler: (_q, res) => send(res, { status: 200, contentType: "text/html; charset=utf-8", body: HTML }) },
  { method: "GET", path: "/health", handler: (_q, res) => sendJson(res, 200, { status: "ok" }) },
  { method: "GET", path: "/v1/health", handler: (_q, res) => sendJson(res, 200, { status: "ok" }) },
  ...["/v1/models", "/models", "/api/tags"].map((path): Route => ({ method: "GET", path, handler: (_q, res, ctx) => sendJson(res, 200, models(ctx)) })),
  {
    method: "GET", path: "/props", handler: (_q, res, ctx) =>
      sendJson(res, 200, {
        default_generation_settings: { n_ctx: 4096, params: { n_predict: -1, temperature: 0.8, top_k: 40, top_p: 0.95 } },
        total_slots: TOTAL_SLOTS, model_path: `/models/${modelId(ctx)}`, chat_template: "{{ messages }}", modalities: { vision: false, audio: false },
        build_info: BUILD, is_sleeping: !ctx.models.isLoaded(modelId(ctx)),
      }),
  },
  { method: "GET", path: "/slots", handler: slots },
  { method: "GET", path: "/metrics", handler: (_q, res) => sendJson(res, 501, error(501, "This server does not support metrics endpoint.")) },
  {
    method: "POST", path: "/api/show", handler: (_q, res, ctx) =>
      sendJson(res, 200, {
        template: "{{ messages }}", model_info: { "general.architecture": "lfm2", "lfm2.context_length": 128000 },
        details: models(ctx).models[0].details, capabilities: ["completion"], modified_at: "",
      }),
  },
  // llama.cpp maps Ollama's /api/chat onto its OpenAI handler: OpenAI JSON, and SSE when streaming.
  ...["/api/chat", "/v1/chat/completions", "/chat/completions"].map((path): Route => ({ method: "POST", path, handler: chat })),
  ...["/completion", "/completions"].map((path): Route => ({ method: "POST", path, handler: (q, res, ctx) => inSlot(ctx, () => completion(q, res, ctx)) })),
];

export const llamaCppSimulator: KindDefinition = {
  kind: "llamacpp",
  defaultModels: ["LFM2-1.2B-Q4_K_M.gguf"],
  modes: ["loading", "unloaded", "stream-error"],
  impostor: "whisper",
  handle(req, res, ctx) {
    if (ctx.mode === "loading" && !["/v1/models", "/models", "/api/tags"].includes(req.path)) {
      if (req.path === "/" || req.path.endsWith(".html")) return send(res, { status: 503, contentType: "text/html; charset=utf-8", body: "<html><body>Loading model</body></html>" });
      return sendJson(res, 503, error(503, "Loading model"));
    }
    const route = findRoute(routes, req.method, req.path);
    if (!route) return sendJson(res, 404, error(404, "File Not Found"));
    return route.handler(req, res, ctx, route.params);
  },
  errorReply: (s, message) => json(s, error(s, message)),
};
