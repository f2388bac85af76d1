import { randomUUID } from "node:crypto";
import { isRecord, json, parseJson, sendJson } from "./shared/http-io.ts";
import { handleChatCompletion, openAiError, type ChatFlavour } from "./shared/openai-chat.ts";
import { findRoute, type Route } from "./shared/routes.ts";
import type { KindDefinition, SimContext, SimRequest } from "./shared/types.ts";
import type { ServerResponse } from "node:http";

// LM Studio 0.4.x. Unknown routes and methods answer 200 {"error":"Unexpected endpoint or method. (GET /x)"}.
// /v1/models lists every downloaded model (JIT on) without `created`; /api/v0/models says which are loaded.
// A chat on a model that is not loaded loads it (JIT). "loading": nothing loaded and that JIT load takes delayMs;
// "unloaded": nothing loaded. "stream-error": an OpenAI error frame after three chunks, no [DONE].

type ModelType = "llm" | "vlm" | "embeddings";
const typeOf = (id: string): ModelType => (/embed/i.test(id) ? "embeddings" : /vl|vision|gemma-3/i.test(id) ? "vlm" : "llm");
const publisher = (id: string) => (id.includes("/") ? id.split("/")[0] : "lmstudio-community");
const arch = (id: string) => (id.split("/").pop() ?? id).replace(/[-_.\d].*$/, "") || "llama";

function v0Model(ctx: SimContext, id: string) {
  const loaded = ctx.models.isLoaded(id);
  return {
    id, object: "model", type: typeOf(id), publisher: publisher(id), arch: arch(id), compatibility_type: "gguf", quantization: "Q4_K_M",
    state: loaded ? "loaded" : "not-loaded", max_context_length: 32768, ...(loaded ? { loaded_context_length: 4096 } : {}),
    capabilities: typeOf(id) === "embeddings" ? [] : ["tool_use"],
  };
}

function v1Model(ctx: SimContext, id: string) {
  return {
    type: typeOf(id) === "embeddings" ? "embedding" : "llm", publisher: publisher(id), key: id, display_name: id.split("/").pop(), architecture: arch(id),
    quantization: { name: "Q4_K_M", bits_per_weight: 4.8 }, size_bytes: 4_683_073_536, params_string: "8B", format: "gguf", max_context_length: 32768,
    loaded_instances: ctx.models.isLoaded(id) ? [{ id, config: { context_length: 4096, eval_batch_size: 512, parallel: 4, flash_attention: true, offload_kv_cache_to_gpu: true } }] : [],
    capabilities: { vision: typeOf(id) === "vlm", trained_for_tool_use: typeOf(id) !== "embeddings" },
  };
}

function chatFlavour(stats: boolean): ChatFlavour {
  return {
    id: () => `chatcmpl-${randomUUID().replace(/-/g, "").slice(0, 22)}`,
    fingerprint: (model) => model,
    roleChunk: "first-content",
    streamError: "error-frame",
    errorBody: (s, message) => openAiError(s, message),
    async resolveModel(requested, ctx) {
      const id = requested ?? ctx.models.loaded[0];
      if (!id) {
        return { status: 400, body: openAiError(400, "No models loaded. Please load a model in the developer page or use the 'lms load' command.", { param: "model" }) };
      }
      if (!ctx.models.has(id)) {
        const example = ctx.models.available.slice(0, 3).join(", ");
        return { status: 400, body: openAiError(400, `Invalid model identifier "${id}". Please specify a valid downloaded model (e.g., ${example}).`, { param: "model", code: "model_not_found" }) };
      }
      return { model: id, loadMs: await ctx.ensureLoaded(id) };
    },
    extraFields: stats
      ? (t, finish) => ({
          stats: {
            tokens_per_second: Math.round((t.completionTokens * 1e6) / Math.max(0.001, t.completionMs)) / 1000,
            time_to_first_token: Math.round(t.promptMs) / 1000,
            generation_time: Math.round(t.completionMs) / 1000,
            stop_reason: finish === "stop" ? "eosFound" : "maxPredictedTokensReached",
          },
          model_info: { arch: "llama", quant: "Q4_K_M", format: "gguf", context_length: 4096 },
          runtime: { name: "llama.cpp-linux-x86_64-avx2", version: "1.50.0", supported_formats: ["gguf"] },
        })
      : undefined,
  };
}

const v1Chat = chatFlavour(false);
const v0Chat = chatFlavour(true);

async function loadModel(req: SimRequest, res: ServerResponse, ctx: SimContext): Promise<void> {
  const parsed = parseJson(await req.body());
  const id = parsed.ok && isRecord(parsed.value) && typeof parsed.value.model === "string" ? parsed.value.model : undefined;
  if (!id || !ctx.models.has(id)) return sendJson(res, 404, { error: { type: "model_not_found", message: `Model "${id}" not found` } });
  const ms = await ctx.ensureLoaded(id);
  sendJson(res, 200, { type: typeOf(id) === "embeddings" ? "embedding" : "llm", instance_id: id, load_time_seconds: ms / 1000, status: "loaded" });
}

async function unloadModel(req: SimRequest, res: ServerResponse, ctx: SimContext): Promise<void> {
  const parsed = parseJson(await req.body());
  const id = parsed.ok && isRecord(parsed.value) && typeof parsed.value.instance_id === "string" ? parsed.value.instance_id : undefined;
  if (!id || !ctx.models.isLoaded(id)) return sendJson(res, 404, { error: { type: "model_not_found", message: `No loaded instance "${id}"` } });
  ctx.models.unload(id);
  sendJson(res, 200, { instance_id: id });
}

const routes: Route[] = [
  { method: "GET", path: "/lmstudio-greeting", handler: (_q, res) => sendJson(res, 200, { lmstudio: true }) },
  { method: "GET", path: "/v1/models", handler: (_q, res, ctx) => sendJson(res, 200, { data: ctx.models.available.map((id) => ({ id, object: "model", owned_by: "organization_owner" })), object: "list" }) },
  { method: "GET", path: "/api/v0/models", handler: (_q, res, ctx) => sendJson(res, 200, { object: "list", data: ctx.models.available.map((id) => v0Model(ctx, id)) }) },
  {
    method: "GET", path: /^\/api\/v0\/models\/(.+)$/, handler: (_q, res, ctx, [id]) =>
      ctx.models.has(id) ? sendJson(res, 200, v0Model(ctx, id)) : sendJson(res, 404, { error: `Model "${id}" not found` }),
  },
  { method: "GET", path: "/api/v1/models", handler: (_q, res, ctx) => sendJson(res, 200, { models: ctx.models.available.map((id) => v1Model(ctx, id)) }) },
  { method: "POST", path: "/api/v1/models/load", handler: loadModel },
  { method: "POST", path: "/api/v1/models/unload", handler: unloadModel },
  { method: "POST", path: "/v1/chat/completions", handler: (q, res, ctx) => handleChatCompletion(q, res, ctx, v1Chat) },
  { method: "POST", path: "/api/v0/chat/completions", handler: (q, res, ctx) => handleChatCompletion(q, res, ctx, v0Chat) },
];

export const lmStudioSimulator: KindDefinition = {
  kind: "lmstudio",
  defaultModels: ["qwen/qwen3-8b", "google/gemma-3-12b", "text-embedding-nomic-embed-text-v1.5"],
  modes: ["loading", "unloaded", "stream-error"],
  impostor: "mistralrs",
  handle(req, res, ctx) {
    const route = findRoute(routes, req.method, req.path);
    if (!route) return sendJson(res, 200, { error: `Unexpected endpoint or method. (${req.method} ${req.path})` });
    return route.handler(req, res, ctx, route.params);
  },
  errorReply: (s, message) => json(s, openAiError(s, message)),
};
