import { createHash } from "node:crypto";
import type { ServerResponse } from "node:http";
import { isRecord, json, parseJson, send, sendJson, sendText, sleep, text } from "./shared/http-io.ts";
import { handleChatCompletion, openAiError, type ChatFlavour } from "./shared/openai-chat.ts";
import { estimateTokens, replyTokens } from "./shared/reply-text.ts";
import { findRoute, type Route } from "./shared/routes.ts";
import { StreamWriter } from "./shared/stream-writer.ts";
import type { KindDefinition, SimContext, SimRequest } from "./shared/types.ts";

// Ollama: native /api (NDJSON streaming, ns timings) and /v1. "loading"/"unloaded": nothing in /api/ps and the next
// chat/generate loads the model (taking delayMs / loadMs). "stream-error": after three chunks one more NDJSON line
// {"error":"…"} and the end of the body, as Ollama's streamResponse does; on /v1 an OpenAI error frame, no [DONE].

export const OLLAMA_VERSION = "0.13.0";
const MODIFIED_AT = "2025-05-04T17:37:44.706-07:00";
const KEEP_ALIVE_MS = 5 * 60_000;
const JSON_UTF8 = "application/json; charset=utf-8";

/** Ollama treats `llama3.2` as `llama3.2:latest`. */
const tagged = (name: string) => (name.includes(":") ? name : `${name}:latest`);

function find(ctx: SimContext, name: string): string | undefined {
  return ctx.models.available.find((m) => tagged(m) === tagged(name));
}

function details(name: string) {
  const base = tagged(name).split(":")[0].split("/").pop() ?? name;
  const family = base.replace(/[\d.:-].*$/, "") || base;
  const params = /(\d+(?:\.\d+)?)b\b/i.exec(tagged(name).split(":")[1])?.[1] ?? "3.2";
  return {
    details: { parent_model: "", format: "gguf", family, families: [family], parameter_size: `${params}B`, quantization_level: "Q4_K_M" },
    size: Math.round(Number(params) * 0.62e9),
    digest: createHash("sha256").update(tagged(name)).digest("hex"),
    params: Math.round(Number(params) * 1e9),
  };
}

function tagEntry(name: string) {
  const d = details(name);
  return { name: tagged(name), model: tagged(name), modified_at: MODIFIED_AT, size: d.size, digest: d.digest, details: d.details };
}

const ns = (ms: number) => Math.max(1, Math.round(ms * 1e6));

/** Ollama leaves zero metrics out (`omitempty`). */
function metrics(m: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(m).filter(([, v]) => v !== 0));
}

async function generate(req: SimRequest, res: ServerResponse, ctx: SimContext, chat: boolean): Promise<void> {
  const started = performance.now();
  const raw = await req.body();
  if (raw.length === 0) return sendJson(res, 400, { error: "missing request body" }, JSON_UTF8);
  const parsed = parseJson(raw);
  if (!parsed.ok || !isRecord(parsed.value)) return sendJson(res, 400, { error: parsed.ok ? "invalid request body" : parsed.error }, JSON_UTF8);
  const body = parsed.value;
  if (typeof body.model !== "string" || !body.model) return sendJson(res, 400, { error: "model is required" }, JSON_UTF8);
  const model = find(ctx, body.model);
  if (!model) return sendJson(res, 404, { error: `model "${body.model}" not found, try pulling it first` }, JSON_UTF8);
  const messages = Array.isArray(body.messages) ? body.messages : [];
  const prompt = chat ? messages.map((m) => (isRecord(m) && typeof m.content === "string" ? m.content : "")).join("\n") : String(body.prompt ?? "");
  const payload = (content: string) => (chat ? { message: { role: "assistant", content } } : { response: content });
  const head = () => ({ model: body.model, created_at: new Date().toISOString() });
  if ((chat && messages.length === 0) || (!chat && prompt === "")) {
    // An empty prompt only loads the model; with keep_alive 0 it unloads it.
    const unload = body.keep_alive === 0 || body.keep_alive === "0" || body.keep_alive === "0s";
    if (unload) ctx.models.unload(model);
    else await ctx.ensureLoaded(model);
    return sendJson(res, 200, { ...head(), ...payload(""), done_reason: unload ? "unload" : "load", done: true }, JSON_UTF8);
  }
  const loadMs = await ctx.ensureLoaded(model);
  const options = isRecord(body.options) ? body.options : {};
  const { tokens, finish } = replyTokens(ctx.settings.reply, typeof options.num_predict === "number" ? options.num_predict : undefined);
  const promptMs = performance.now() - started - loadMs;
  const final = (evalMs: number) => ({
    ...head(), ...payload(""), done: true, done_reason: finish, ...(chat ? {} : { context: tokens.map((_, i) => i + 1) }),
    ...metrics({
      total_duration: ns(performance.now() - started), load_duration: loadMs > 0 ? ns(loadMs) : 0,
      prompt_eval_count: estimateTokens(prompt), prompt_eval_duration: ns(promptMs), eval_count: tokens.length, eval_duration: ns(evalMs),
    }),
  });
  const evalStarted = performance.now();
  if (body.stream === false) {
    await sleep(tokens.length * ctx.settings.tokenDelayMs);
    return sendJson(res, 200, { ...final(performance.now() - evalStarted), ...payload(tokens.join("")) }, JSON_UTF8);
  }
  const w = StreamWriter.ndjson(res);
  for (let i = 0; i < tokens.length; i++) {
    if (!(await w.pause(ctx.settings.tokenDelayMs))) return;
    if (ctx.mode === "stream-error" && i === Math.min(3, tokens.length - 1)) {
      w.send({ error: "an error was encountered while running the model: simulated failure in the middle of the stream" });
      return w.end();
    }
    w.send({ ...head(), ...payload(tokens[i]), done: false });
  }
  w.send(final(performance.now() - evalStarted));
  w.end();
}

async function show(req: SimRequest, res: ServerResponse, ctx: SimContext): Promise<void> {
  const parsed = parseJson(await req.body());
  const body = parsed.ok && isRecord(parsed.value) ? parsed.value : {};
  const name = typeof body.model === "string" ? body.model : typeof body.name === "string" ? body.name : "";
  const model = name ? find(ctx, name) : undefined;
  if (!model) return sendJson(res, 404, { error: `model '${name}' not found` }, JSON_UTF8);
  const d = details(model);
  const family = d.details.family;
  sendJson(res, 200, {
    modelfile: `FROM ${tagged(model)}\n`, parameters: 'stop "<|eot_id|>"', template: "{{ .Prompt }}", details: d.details,
    model_info: { "general.architecture": family, "general.parameter_count": d.params, [`${family}.context_length`]: 131072 },
    capabilities: /llava|vision|vl\b/i.test(model) ? ["completion", "vision"] : ["completion"], modified_at: MODIFIED_AT,
  }, JSON_UTF8);
}

function ps(ctx: SimContext) {
  return {
    models: ctx.models.loaded.map((name) => {
      const entry = tagEntry(name);
      const expires = new Date((ctx.models.loadedSince(name) ?? Date.now()) + KEEP_ALIVE_MS).toISOString();
      return { name: entry.name, model: entry.model, size: entry.size, digest: entry.digest, details: entry.details, expires_at: expires, size_vram: entry.size, context_length: 4096 };
    }),
  };
}

async function embed(req: SimRequest, res: ServerResponse, ctx: SimContext): Promise<void> {
  const parsed = parseJson(await req.body());
  const body = parsed.ok && isRecord(parsed.value) ? parsed.value : {};
  const model = typeof body.model === "string" ? find(ctx, body.model) : undefined;
  if (!model) return sendJson(res, 404, { error: `model "${String(body.model)}" not found, try pulling it first` }, JSON_UTF8);
  const loadMs = await ctx.ensureLoaded(model);
  const inputs = (Array.isArray(body.input) ? body.input : [body.input]).map(String);
  const vector = (s: string) => [...createHash("sha256").update(s).digest()].slice(0, 8).map((b) => (b - 128) / 128);
  sendJson(res, 200, { model: body.model, embeddings: inputs.map(vector), ...metrics({ load_duration: loadMs > 0 ? ns(loadMs) : 0, prompt_eval_count: inputs.reduce((n, s) => n + estimateTokens(s), 0) }) }, JSON_UTF8);
}

const v1Flavour: ChatFlavour = {
  id: () => `chatcmpl-${Math.floor(Math.random() * 999)}`,
  fingerprint: () => "fp_ollama",
  roleChunk: "every",
  streamError: "error-frame",
  errorBody: (status, message) => openAiError(status, message),
  async resolveModel(requested, ctx) {
    const model = requested ? find(ctx, requested) : undefined;
    if (!model) return { status: requested ? 404 : 400, body: openAiError(requested ? 404 : 400, requested ? `model "${requested}" not found, try pulling it first` : "model is required") };
    return { model: requested ?? model, loadMs: await ctx.ensureLoaded(model) };
  },
};

const v1Model = (name: string) => ({ id: tagged(name), object: "model", created: Math.floor(Date.parse(MODIFIED_AT) / 1000), owned_by: name.includes("/") ? name.split("/")[0] : "library" });

const routes: Route[] = [
  { method: "GET", path: "/", handler: (_q, res) => sendText(res, 200, "Ollama is running") },
  { method: "GET", path: "/api/version", handler: (_q, res) => sendJson(res, 200, { version: OLLAMA_VERSION }, JSON_UTF8) },
  { method: "GET", path: "/api/tags", handler: (_q, res, ctx) => sendJson(res, 200, { models: ctx.models.available.map(tagEntry) }, JSON_UTF8) },
  { method: "GET", path: "/api/ps", handler: (_q, res, ctx) => sendJson(res, 200, ps(ctx), JSON_UTF8) },
  { method: "POST", path: "/api/show", handler: show },
  { method: "POST", path: "/api/chat", handler: (q, res, ctx) => generate(q, res, ctx, true) },
  { method: "POST", path: "/api/generate", handler: (q, res, ctx) => generate(q, res, ctx, false) },
  { method: "POST", path: "/api/embed", handler: embed },
  { method: "GET", path: "/v1/models", handler: (_q, res, ctx) => sendJson(res, 200, { object: "list", data: ctx.models.available.length ? ctx.models.available.map(v1Model) : null }) },
  {
    method: "GET", path: /^\/v1\/models\/(.+)$/, handler: (_q, res, ctx, [name]) => {
      const model = find(ctx, name);
      if (model) sendJson(res, 200, v1Model(model));
      else sendJson(res, 404, openAiError(404, `model "${name}" not found`));
    },
  },
  { method: "POST", path: "/v1/chat/completions", handler: (q, res, ctx) => handleChatCompletion(q, res, ctx, v1Flavour) },
];

export const ollamaSimulator: KindDefinition = {
  kind: "ollama",
  defaultModels: ["llama3.2:latest", "qwen2.5:7b", "mistral:latest", "gemma3:4b", "llava:7b", "nomic-embed-text:latest"],
  modes: ["loading", "unloaded", "stream-error"],
  impostor: "llamacpp",
  handle(req, res, ctx) {
    const route = findRoute(routes, req.method, req.path);
    if (!route) return send(res, text(404, "404 page not found"));
    return route.handler(req, res, ctx, route.params);
  },
  errorReply: (status, message) => json(status, { error: message }, JSON_UTF8),
};
