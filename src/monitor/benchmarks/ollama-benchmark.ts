import { median, percentile } from "../percentile.ts";
import type { BenchmarkRequestOptions, BenchmarkTarget, Measurement } from "./benchmark-types.ts";
import { parseJsonLine, readLines } from "./read-lines.ts";
import { onRoute, requestSignal, responseError } from "./request-helpers.ts";

interface Sample {
  totalMs: number;
  ttftMs: number | null;
  chunks: number;
  evalCount?: number;
  evalDurationNs?: number;
  loadDurationNs?: number;
}

/**
 * Ollama's native /api/generate, streamed: client-side latency and time to first token; tokens/s and load
 * time from Ollama's own timings (eval_count / eval_duration, load_duration, all in ns).
 */
export async function benchmarkOllama(t: BenchmarkTarget, o: BenchmarkRequestOptions): Promise<Measurement[]> {
  const samples: Sample[] = [];
  for (let i = 0; i < o.requests; i++) samples.push(await onRoute("/api/generate", () => generate(t, o)));
  const n = samples.length;
  const totals = samples.map((s) => s.totalMs);
  const out: Measurement[] = [
    { metric: "latency_p50_ms", value: percentile(totals, 50)!, unit: "ms", conditions: `${n} requests, /api/generate streaming, max ${t.maxTokens} tokens` },
    { metric: "latency_p95_ms", value: percentile(totals, 95)!, unit: "ms", conditions: `${n} requests, /api/generate streaming, max ${t.maxTokens} tokens` },
  ];
  const ttfts = samples.map((s) => s.ttftMs).filter((v): v is number => v !== null);
  if (ttfts.length > 0) out.push({ metric: "ttft_ms", value: median(ttfts)!, unit: "ms", conditions: `median of ${ttfts.length}, first non-empty chunk` });
  const native = samples.filter((s) => s.evalCount && s.evalDurationNs).map((s) => (s.evalCount! / s.evalDurationNs!) * 1e9);
  if (native.length > 0) out.push({ metric: "tokens_per_s", value: median(native)!, unit: "tokens/s", conditions: `median of ${native.length}, Ollama eval_count/eval_duration` });
  else {
    const client = samples.filter((s) => s.ttftMs !== null && s.totalMs > s.ttftMs && s.chunks > 1).map((s) => (s.chunks - 1) / ((s.totalMs - s.ttftMs!) / 1000));
    if (client.length > 0) out.push({ metric: "tokens_per_s", value: median(client)!, unit: "tokens/s", conditions: `median of ${client.length}, client-side: chunks after the first / time after the first` });
  }
  const load = samples[0]!.loadDurationNs;
  if (typeof load === "number") {
    out.push({ metric: "load_time_ms", value: load / 1e6, unit: "ms", conditions: `first request's load_duration; model was ${t.cold ? "not loaded" : "already loaded"} before the run` });
  }
  return out;
}

async function generate(t: BenchmarkTarget, o: BenchmarkRequestOptions): Promise<Sample> {
  const t0 = performance.now();
  const res = await o.fetch(`${t.url}/api/generate`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: t.model, prompt: t.prompt, stream: true, options: { num_predict: t.maxTokens } }),
    signal: requestSignal(o),
  });
  if (!res.ok || !res.body) throw await responseError(res, "/api/generate");
  let ttftMs: number | null = null;
  let chunks = 0;
  for await (const line of readLines(res.body)) {
    if (!line.trim()) continue;
    const obj = parseJsonLine(line) as Record<string, unknown> | undefined;
    if (!obj || typeof obj !== "object") throw new Error(`/api/generate: a stream line that is not JSON: ${line.slice(0, 80)}`);
    if (typeof obj.error === "string") throw new Error(`/api/generate: error in the stream: ${obj.error}`);
    if (typeof obj.response === "string" && obj.response.length > 0) {
      chunks++;
      ttftMs ??= performance.now() - t0;
    }
    if (obj.done === true) {
      return {
        totalMs: performance.now() - t0,
        ttftMs,
        chunks,
        evalCount: num(obj.eval_count),
        evalDurationNs: num(obj.eval_duration),
        loadDurationNs: num(obj.load_duration),
      };
    }
  }
  throw new Error("/api/generate: the stream ended without done:true");
}

function num(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}
