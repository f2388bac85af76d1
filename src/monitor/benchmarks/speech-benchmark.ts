import { makeToneWav } from "../../shared/wav.ts";
import { median, percentile } from "../percentile.ts";
import type { BenchmarkRequestOptions, BenchmarkTarget, Measurement } from "./benchmark-types.ts";
import { onRoute, requestSignal, responseError } from "./request-helpers.ts";

/** Length of the generated clip; long enough that fixed request overhead does not dominate the ratio. */
export const CLIP_SECONDS = 3;

/**
 * Speech recognition's real-time factor: transcribe a generated clip and divide the time taken by the clip's
 * length (below 1 is faster than real time). whisper.cpp's /inference, or /v1/audio/transcriptions.
 */
export async function benchmarkSpeech(t: BenchmarkTarget, o: BenchmarkRequestOptions): Promise<Measurement[]> {
  const clip = makeToneWav({ seconds: CLIP_SECONDS, sampleRate: 16_000 });
  const api = (t.service as { api?: string }).api === "openai" ? "openai" : "whisper.cpp";
  const times: number[] = [];
  for (let i = 0; i < o.requests; i++) times.push(await onRoute(api === "openai" ? "/v1/audio/transcriptions" : "/inference", () => transcribe(t, o, clip, api)));
  const how = `${times.length} transcriptions of a ${CLIP_SECONDS} s 16 kHz WAV, ${api === "openai" ? "/v1/audio/transcriptions" : "/inference"}`;
  return [
    { metric: "rtf", value: median(times)! / 1000 / CLIP_SECONDS, unit: "x", conditions: `median; ${how}` },
    { metric: "latency_p50_ms", value: percentile(times, 50)!, unit: "ms", conditions: how },
    { metric: "latency_p95_ms", value: percentile(times, 95)!, unit: "ms", conditions: how },
  ];
}

async function transcribe(t: BenchmarkTarget, o: BenchmarkRequestOptions, clip: Buffer, api: "openai" | "whisper.cpp"): Promise<number> {
  const form = new FormData();
  form.set("file", new Blob([new Uint8Array(clip)], { type: "audio/wav" }), "clip.wav");
  form.set("response_format", "json");
  if (api === "openai") form.set("model", t.model ?? "whisper-1");
  else form.set("temperature", "0");
  const route = api === "openai" ? "/v1/audio/transcriptions" : "/inference";
  const headers: Record<string, string> = {};
  if (t.apiKey) headers.authorization = `Bearer ${t.apiKey}`;
  const t0 = performance.now();
  const res = await o.fetch(`${t.url}${route}`, { method: "POST", body: form, headers, signal: requestSignal(o) });
  if (!res.ok) throw await responseError(res, route);
  const body = (await res.json().catch(() => undefined)) as { text?: unknown } | undefined;
  const elapsed = performance.now() - t0;
  if (typeof body?.text !== "string") throw new Error(`${route}: the answer has no "text" transcript`);
  return elapsed;
}
