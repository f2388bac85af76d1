import type { ServerResponse } from "node:http";
import { isRecord, parseJson, sendJson, sleep } from "./http-io.ts";
import { colourName, imageInfo } from "./png.ts";
import { estimateTokens, replyTokens } from "./reply-text.ts";
import { StreamWriter } from "./stream-writer.ts";
import type { SimContext, SimRequest } from "./types.ts";

export type ResolvedModel = { model: string; loadMs: number } | { status: number; body: unknown };

/** Measured times of one generation, for the servers that report them. */
export interface GenerationTimes {
  promptTokens: number;
  completionTokens: number;
  promptMs: number;
  completionMs: number;
}

/** How one server family writes OpenAI chat completions. */
export interface ChatFlavour {
  id(): string;
  /** `system_fingerprint`, when the server sends one. */
  fingerprint?(model: string): string;
  /** Picks the answering model (loading it if the server does); an error answer is sent instead of a completion. */
  resolveModel(requested: string | undefined, ctx: SimContext): Promise<ResolvedModel>;
  /** separate: a role-only first chunk (llama.cpp); every: each chunk repeats the role (mlx, Ollama); first-content: role on the first content chunk. */
  roleChunk: "separate" | "every" | "first-content";
  /** How "stream-error" ends a stream: an OpenAI error frame, a dropped connection, or llama.cpp's `error:` line then a drop. */
  streamError: "error-frame" | "cut" | "error-line";
  /** The server's error body for a bad request. */
  errorBody(status: number, message: string): unknown;
  /** Extra usage fields (mistral.rs reports speeds there). */
  usageExtras?(t: GenerationTimes): Record<string, number>;
  /** llama.cpp's non-standard `timings` object on the last chunk and the whole answer. */
  timings?: boolean;
  /** mlx's `: keepalive n/n` comment before the first token. */
  keepalive?: boolean;
  /** Describe attached images instead of answering the fixed sentence. */
  vision?: boolean;
  /** Rejects an image URL the server does not take; returns the message. */
  checkImage?(url: string): string | undefined;
  /** Extra top-level fields on a non-streamed answer (LM Studio's /api/v0 stats). */
  extraFields?(t: GenerationTimes, finish: "stop" | "length"): Record<string, unknown>;
  /** The `object` of the include_usage chunk (mlx writes "chat.completion"). */
  usageChunkObject?: string;
}

/** OpenAI's error body; `type` follows the status unless given. */
export function openAiError(status: number, message: string, extra: { type?: string; param?: string | null; code?: string | number | null } = {}) {
  const type = extra.type ?? (status === 400 ? "invalid_request_error" : status === 404 ? "not_found_error" : status === 503 ? "unavailable_error" : "api_error");
  return { error: { message, type, param: extra.param ?? null, code: extra.code ?? null } };
}

const STREAM_ERROR_MESSAGE = "simulated failure in the middle of the stream";

/** POST /v1/chat/completions for every OpenAI-compatible simulator. */
export async function handleChatCompletion(req: SimRequest, res: ServerResponse, ctx: SimContext, flavour: ChatFlavour): Promise<void> {
  const started = performance.now();
  const parsed = parseJson(await req.body());
  if (!parsed.ok || !isRecord(parsed.value)) {
    return sendJson(res, 400, flavour.errorBody(400, parsed.ok ? "Request should be a JSON object" : `Invalid JSON in request body: ${parsed.error}`));
  }
  const body = parsed.value;
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    return sendJson(res, 400, flavour.errorBody(400, "'messages' must be a non-empty array"));
  }
  const { prompt, images } = readMessages(body.messages);
  for (const url of images) {
    const problem = flavour.checkImage?.(url);
    if (problem) return sendJson(res, 400, flavour.errorBody(400, problem));
  }
  const resolved = await flavour.resolveModel(typeof body.model === "string" ? body.model : undefined, ctx);
  if ("status" in resolved) return sendJson(res, resolved.status, resolved.body);
  const reply = flavour.vision && images.length > 0 ? images.map(describeImage).join(" ") : ctx.settings.reply;
  const maxTokens = numberOr(body.max_completion_tokens, numberOr(body.max_tokens, undefined));
  const { tokens, finish } = replyTokens(reply, maxTokens);
  const promptTokens = estimateTokens(prompt) + images.length * 256;
  const promptMs = performance.now() - started;
  const id = flavour.id();
  const created = Math.floor(Date.now() / 1000);
  const fingerprint = flavour.fingerprint ? { system_fingerprint: flavour.fingerprint(resolved.model) } : {};
  const times = (completionMs: number): GenerationTimes => ({ promptTokens, completionTokens: tokens.length, promptMs, completionMs });

  if (body.stream !== true) {
    await sleep(tokens.length * ctx.settings.tokenDelayMs);
    const t = times(performance.now() - started - promptMs);
    return sendJson(res, 200, {
      id, object: "chat.completion", created, model: resolved.model, ...fingerprint,
      choices: [{ index: 0, message: { role: "assistant", content: tokens.join("") }, logprobs: null, finish_reason: finish }],
      usage: usage(t, flavour),
      ...(flavour.timings ? { timings: llamaTimings(t) } : {}),
      ...flavour.extraFields?.(t, finish),
    });
  }

  const w = StreamWriter.sse(res);
  const base = { id, object: "chat.completion.chunk", created, model: resolved.model, ...fingerprint };
  const chunk = (delta: Record<string, unknown>, finishReason: string | null) => ({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }] });
  if (flavour.keepalive) w.comment(`keepalive ${promptTokens}/${promptTokens}`);
  if (flavour.roleChunk === "separate") w.send(chunk({ role: "assistant", content: null }, null));
  const errorAt = Math.min(3, tokens.length);
  for (let i = 0; i <= tokens.length; i++) {
    if (ctx.mode === "stream-error" && i === errorAt) return failStream(w, flavour);
    if (i === tokens.length) break;
    if (!(await w.pause(ctx.settings.tokenDelayMs))) return;
    const withRole = flavour.roleChunk === "every" || (flavour.roleChunk === "first-content" && i === 0);
    w.send(chunk(withRole ? { role: "assistant", content: tokens[i] } : { content: tokens[i] }, null));
  }
  const t = times(performance.now() - started - promptMs);
  w.send({ ...chunk({}, finish), ...(flavour.timings ? { timings: llamaTimings(t) } : {}) });
  if (isRecord(body.stream_options) && body.stream_options.include_usage === true) w.send({ ...base, object: flavour.usageChunkObject ?? base.object, choices: [], usage: usage(t, flavour) });
  w.done();
  w.end();
}

function failStream(w: StreamWriter, flavour: ChatFlavour): void {
  if (flavour.streamError === "error-frame") {
    w.send({ error: { message: STREAM_ERROR_MESSAGE, type: "server_error", param: null, code: null } });
    w.end();
  } else if (flavour.streamError === "error-line") {
    w.write(`error: ${JSON.stringify({ code: 500, message: STREAM_ERROR_MESSAGE, type: "server_error" })}\n\n`);
    w.cut();
  } else {
    w.cut();
  }
}

function usage(t: GenerationTimes, flavour: ChatFlavour): Record<string, number> {
  return { prompt_tokens: t.promptTokens, completion_tokens: t.completionTokens, total_tokens: t.promptTokens + t.completionTokens, ...flavour.usageExtras?.(t) };
}

export function llamaTimings(t: GenerationTimes): Record<string, number> {
  const round = (n: number) => Math.round(n * 1000) / 1000;
  return {
    cache_n: 0,
    prompt_n: t.promptTokens, prompt_ms: round(t.promptMs), prompt_per_token_ms: round(t.promptMs / t.promptTokens),
    prompt_per_second: round((t.promptTokens * 1000) / Math.max(t.promptMs, 0.001)),
    predicted_n: t.completionTokens, predicted_ms: round(t.completionMs),
    predicted_per_token_ms: round(t.completionMs / Math.max(1, t.completionTokens)),
    predicted_per_second: round((t.completionTokens * 1000) / Math.max(t.completionMs, 0.001)),
  };
}

function numberOr<T>(value: unknown, fallback: T): number | T {
  return typeof value === "number" && Number.isFinite(value) ? value : fallback;
}

/** The text of every message and the URLs of every image part (object or bare-string `image_url`). */
export function readMessages(messages: unknown[]): { prompt: string; images: string[] } {
  const texts: string[] = [];
  const images: string[] = [];
  for (const message of messages) {
    if (!isRecord(message)) continue;
    if (typeof message.content === "string") texts.push(message.content);
    if (!Array.isArray(message.content)) continue;
    for (const part of message.content) {
      if (!isRecord(part)) continue;
      if (part.type === "text" && typeof part.text === "string") texts.push(part.text);
      if (part.type === "image_url") {
        const url = typeof part.image_url === "string" ? part.image_url : isRecord(part.image_url) ? part.image_url.url : undefined;
        if (typeof url === "string") images.push(url);
      }
    }
  }
  return { prompt: texts.join("\n"), images };
}

/** One sentence about a data-URL image: format, size and, for simple PNGs, its main colour. */
export function describeImage(url: string): string {
  const m = /^data:([^;,]*)(;base64)?,(.*)$/s.exec(url);
  if (!m) return "The image could not be read.";
  const info = imageInfo(Buffer.from(m[3], m[2] ? "base64" : "utf8"));
  if (info.format === "unknown") return "The attachment is not an image I can read.";
  const size = info.width && info.height ? `${info.width}x${info.height} ` : "";
  const colour = info.mean ? `, mostly ${colourName(info.mean)}` : "";
  return `The image is a ${size}${info.format.toUpperCase()}${colour}.`;
}
