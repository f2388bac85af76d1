import { z } from "zod";
import { fetchCapped, joinUrl } from "../http/fetch-capped.ts";
import { coldWhileLoading, judgeUnexpected, judgeUnparsed } from "../http/judge-reply.ts";
import { bodyText, readJson, readJsonAs } from "../http/read-body.ts";
import { recogniseServer } from "../http/recognise-server.ts";
import type { ProbeContext, ProbeKind, ProbeResult } from "../probe-kind.ts";
import { downFrom, probeResult, withSlowness } from "../shared/probe-result.ts";
import { makeToneWav } from "../../shared/wav.ts";
import { WhisperTargetSchema, type WhisperTarget } from "./schema.ts";

const CLIP_SECONDS = 0.5;
/** 16 kHz mono PCM: what whisper.cpp reads without ffmpeg, and every OpenAI-compatible server accepts. */
const CLIP = makeToneWav({ sampleRate: 16_000, seconds: CLIP_SECONDS, hz: 440 });

const HealthSchema = z.object({ status: z.string() });
const TranscriptionSchema = z.looseObject({ text: z.string() });

async function run(target: WhisperTarget, ctx: ProbeContext): Promise<ProbeResult> {
  return target.api === "openai" ? transcribe(target, ctx) : whisperCpp(target, ctx);
}

/**
 * whisper.cpp's server: `/health` is 200 `{"status":"ok"}`, or 503 `{"status":"loading model"}` (cold). llama.cpp
 * answers /health with the same bytes, so a route whisper.cpp lacks (`/props`) tells them apart: whisper.cpp
 * gives its own "File Not Found (/props)", llama.cpp its build info.
 */
async function whisperCpp(target: WhisperTarget, ctx: ProbeContext): Promise<ProbeResult> {
  const [health, props] = await Promise.all([fetchCapped(ctx, joinUrl(target.url, "/health")), fetchCapped(ctx, joinUrl(target.url, "/props"))]);
  if (!health.ok) return downFrom(health.failure);
  const h = health.reply;
  const status = readJsonAs(h, HealthSchema);
  if (h.status === 503 && status.ok && /loading/i.test(status.value.status)) {
    return probeResult("cold", "whisper.cpp is loading its model (503 loading model)", { latencyMs: h.latencyMs });
  }
  if (h.status !== 200 || !status.ok || status.value.status !== "ok" || recogniseServer(h) === "mlx_lm.server") {
    return judgeUnexpected("whisper.cpp", h, '{"status":"ok"}', [props]);
  }
  const other = props.ok ? recogniseServer(props.reply) : null;
  if (other && other !== "whisper.cpp") {
    const detail = `answers like ${other}, not whisper.cpp: ${props.ok ? props.reply.label : "GET /props"} answered ${props.ok ? props.reply.status : "?"}`;
    return probeResult("wrong-service", detail, { latencyMs: h.latencyMs, errors: [detail] });
  }
  return withSlowness(probeResult("up", "whisper.cpp healthy, model loaded", { latencyMs: h.latencyMs }), ctx);
}

/**
 * An OpenAI-compatible speech-recognition server: transcribes a generated half-second tone and checks that a
 * JSON `{text}` comes back. The text itself is not judged (a tone has no words); the round trip is the proof.
 */
async function transcribe(target: WhisperTarget, ctx: ProbeContext): Promise<ProbeResult> {
  const form = new FormData();
  form.append("file", new Blob([new Uint8Array(CLIP)], { type: "audio/wav" }), "probe.wav");
  form.append("model", target.model);
  form.append("response_format", "json");
  const out = await fetchCapped(ctx, joinUrl(target.url, "/v1/audio/transcriptions"), { method: "POST", body: form });
  if (!out.ok) return downFrom(out.failure);
  const reply = out.reply;
  const latencyMs = reply.latencyMs;
  const cold = coldWhileLoading(reply, "the model is loading");
  if (cold) return cold;
  if (reply.status === 404 && mentionsModel(reply, target.model)) {
    const detail = `model ${target.model} is not available here: ${bodyText(reply)?.slice(0, 120)}`;
    return probeResult("degraded", detail, { latencyMs, errors: [detail] });
  }
  if (reply.status !== 200) return judgeUnexpected("an OpenAI-compatible transcription server", reply, "a JSON {text} transcription");
  const parsed = readJsonAs(reply, TranscriptionSchema);
  if (!parsed.ok) return judgeUnparsed("an OpenAI-compatible transcription server", reply, "a JSON {text} transcription", parsed.problem);
  const rtf = latencyMs / 1000 / CLIP_SECONDS;
  const words = parsed.value.text.trim();
  const detail = `transcribed a ${CLIP_SECONDS} s clip in ${Math.round(latencyMs)} ms (RTF ${rtf.toFixed(2)})${words ? `: "${words.slice(0, 40)}"` : ""}`;
  return withSlowness(
    probeResult("up", detail, { latencyMs, models: { loaded: [target.model], available: [target.model] }, metrics: { "speech.rtf": round(rtf) } }),
    ctx,
  );
}

/** speaches and others answer 404 with a message naming the model when it is not installed. */
function mentionsModel(reply: Parameters<typeof readJson>[0], model: string): boolean {
  const json = readJson(reply);
  return json.ok && JSON.stringify(json.value).includes(model);
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

export const whisperProbe = {
  kind: "whisper",
  schema: WhisperTargetSchema,
  run,
} satisfies ProbeKind<WhisperTarget>;
