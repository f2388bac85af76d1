import { median, percentile } from "../percentile.ts";
import type { BenchmarkRequestOptions, BenchmarkTarget, Measurement } from "./benchmark-types.ts";
import { parseJsonLine, readLines } from "./read-lines.ts";
import { onRoute, requestSignal, responseError } from "./request-helpers.ts";

interface Sample {
  totalMs: number;
  ttftMs: number | null;
  /** Content chunks seen (one per token on the servers seen so far). */
  chunks: number;
  completionTokens?: number;
  /** llama.cpp's own generation speed, from `timings` on the last chunk. */
  nativeTokensPerS?: number;
}

/**
 * OpenAI-compatible /v1/chat/completions, streamed (SSE): client-side latency and time to first token;
 * tokens/s from llama.cpp's `timings` when present, else usage.completion_tokens (or the chunk count) over the
 * time after the first token. These servers report no load time, so when the probe last saw the model cold,
 * load time is estimated as the first request's latency minus the median of the others.
 */
export async function benchmarkOpenAiChat(t: BenchmarkTarget, o: BenchmarkRequestOptions): Promise<Measurement[]> {
  const samples: Sample[] = [];
  for (let i = 0; i < o.requests; i++) samples.push(await onRoute("/v1/chat/completions", () => chat(t, o)));
  const n = samples.length;
  const totals = samples.map((s) => s.totalMs);
  const how = `${n} requests, /v1/chat/completions streaming, max ${t.maxTokens} tokens`;
  const out: Measurement[] = [
    { metric: "latency_p50_ms", value: percentile(totals, 50)!, unit: "ms", conditions: how },
    { metric: "latency_p95_ms", value: percentile(totals, 95)!, unit: "ms", conditions: how },
  ];
  const ttfts = samples.map((s) => s.ttftMs).filter((v): v is number => v !== null);
  if (ttfts.length > 0) out.push({ metric: "ttft_ms", value: median(ttfts)!, unit: "ms", conditions: `median of ${ttfts.length}, first content chunk` });
  const native = samples.map((s) => s.nativeTokensPerS).filter((v): v is number => v !== undefined);
  if (native.length > 0) out.push({ metric: "tokens_per_s", value: median(native)!, unit: "tokens/s", conditions: `median of ${native.length}, server timings.predicted_per_second` });
  else {
    const rates = samples
      .filter((s) => s.ttftMs !== null && s.totalMs > s.ttftMs)
      .map((s) => {
        const tokens = s.completionTokens !== undefined ? s.completionTokens - 1 : s.chunks - 1;
        return tokens > 0 ? tokens / ((s.totalMs - s.ttftMs!) / 1000) : undefined;
      })
      .filter((v): v is number => v !== undefined);
    const source = samples.some((s) => s.completionTokens !== undefined) ? "usage.completion_tokens" : "content chunks";
    if (rates.length > 0) out.push({ metric: "tokens_per_s", value: median(rates)!, unit: "tokens/s", conditions: `median of ${rates.length}, client-side: ${source} after the first / time after the first` });
  }
  if (t.cold && n >= 2) {
    const rest = median(totals.slice(1))!;
    out.push({ metric: "load_time_ms", value: Math.max(0, totals[0]! - rest), unit: "ms", conditions: `estimated: first request (model cold at the last probe) minus the median of the other ${n - 1}` });
  }
  return out;
}

async function chat(t: BenchmarkTarget, o: BenchmarkRequestOptions): Promise<Sample> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (t.apiKey) headers.authorization = `Bearer ${t.apiKey}`;
  const body = {
    model: t.model,
    messages: [{ role: "user", content: t.prompt }],
    max_tokens: t.maxTokens,
    stream: true,
    stream_options: { include_usage: true },
  };
  const t0 = performance.now();
  const res = await o.fetch(`${t.url}/v1/chat/completions`, { method: "POST", headers, body: JSON.stringify(body), signal: requestSignal(o) });
  if (!res.ok || !res.body) throw await responseError(res, "/v1/chat/completions");
  const sample: Sample = { totalMs: 0, ttftMs: null, chunks: 0 };
  for await (const line of readLines(res.body)) {
    if (!line.startsWith("data:")) continue; // blank lines, comments (": keepalive"), event: lines
    const payload = line.slice(5).trim();
    if (payload === "[DONE]") {
      sample.totalMs = performance.now() - t0;
      return sample;
    }
    const obj = parseJsonLine(payload) as ChatChunk | undefined;
    if (!obj || typeof obj !== "object") throw new Error(`/v1/chat/completions: an event that is not JSON: ${payload.slice(0, 80)}`);
    if (obj.error) throw new Error(`/v1/chat/completions: error in the stream: ${typeof obj.error === "string" ? obj.error : (obj.error.message ?? "unknown")}`);
    const delta = obj.choices?.[0]?.delta;
    const text = delta?.content ?? delta?.reasoning_content ?? delta?.reasoning;
    if (typeof text === "string" && text.length > 0) {
      sample.chunks++;
      sample.ttftMs ??= performance.now() - t0;
    }
    if (typeof obj.usage?.completion_tokens === "number") sample.completionTokens = obj.usage.completion_tokens;
    if (typeof obj.timings?.predicted_per_second === "number") sample.nativeTokensPerS = obj.timings.predicted_per_second;
  }
  // A stream cut short is an error, not a fast answer.
  throw new Error("/v1/chat/completions: the stream ended without [DONE]");
}

interface ChatChunk {
  error?: string | { message?: string };
  choices?: { delta?: { content?: string | null; reasoning_content?: string | null; reasoning?: string | null } }[];
  usage?: { completion_tokens?: number };
  timings?: { predicted_per_second?: number };
}
