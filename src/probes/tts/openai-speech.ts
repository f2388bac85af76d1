import { fetchCapped, joinUrl } from "../http/fetch-capped.ts";
import { coldWhileLoading, judgeUnexpected } from "../http/judge-reply.ts";
import { bodyText, errorInBody, readJson, snippet } from "../http/read-body.ts";
import type { ProbeContext, ProbeResult } from "../probe-kind.ts";
import { downFrom, probeResult } from "../shared/probe-result.ts";
import type { TtsTarget } from "./schema.ts";
import { AUDIO_CAP, SPOKEN_TEXT, spokenResult } from "./spoken-result.ts";

/** `POST /v1/audio/speech` with a short sentence, asking for WAV so the length can be checked. */
export async function synthesiseOpenAi(target: TtsTarget, ctx: ProbeContext): Promise<ProbeResult> {
  const body = JSON.stringify({ model: target.model, input: SPOKEN_TEXT, voice: target.voice, response_format: "wav", stream: false });
  const out = await fetchCapped(ctx, joinUrl(target.url, "/v1/audio/speech"), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
    cap: AUDIO_CAP,
  });
  if (!out.ok) return downFrom(out.failure);
  const reply = out.reply;
  const cold = coldWhileLoading(reply, "the speech model is loading");
  if (cold) return cold;
  if (reply.status !== 200) return judgeUnexpected("an OpenAI-compatible speech server", reply, "audio bytes");
  // A JSON or text answer on 200 is an error message, not audio.
  if (/json|text\//i.test(reply.contentType) || readJson(reply).ok) {
    const judged = judgeUnexpected("an OpenAI-compatible speech server", reply, "audio bytes");
    if (judged.status === "wrong-service") return judged;
    const json = readJson(reply);
    const error = json.ok ? errorInBody(json.value) : null;
    const detail = error !== null ? `${reply.label} answered 200 with an error: ${error}` : `${reply.label} answered 200 with ${snippet(reply, 80)} instead of audio`;
    return probeResult("down", detail, { latencyMs: reply.latencyMs, errors: [detail] });
  }
  return spokenResult(reply.body, reply.latencyMs, target.model);
}

/** Cheap liveness between syntheses: `/health` where the server has one (Kokoro, speaches, openedai-speech), else `/v1/models`. */
export async function openAiSpeechAlive(target: TtsTarget, ctx: ProbeContext): Promise<ProbeResult> {
  const health = await fetchCapped(ctx, joinUrl(target.url, "/health"));
  if (!health.ok) return downFrom(health.failure);
  let reply = health.reply;
  if (reply.status === 404) {
    const models = await fetchCapped(ctx, joinUrl(target.url, "/v1/models"));
    if (!models.ok) return downFrom(models.failure);
    reply = models.reply;
  }
  const json = readJson(reply);
  const broken = reply.status !== 200 || bodyText(reply) === null || (json.ok && errorInBody(json.value) !== null);
  // /health may be plain text ("OK"); /v1/models must be JSON.
  if (broken || (!json.ok && reply.label.endsWith("/v1/models"))) {
    return judgeUnexpected("an OpenAI-compatible speech server", reply, "a health answer");
  }
  return probeResult("up", `${reply.label} answered 200`, { latencyMs: reply.latencyMs });
}
