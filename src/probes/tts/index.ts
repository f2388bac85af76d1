import type { ProbeContext, ProbeKind, ProbeResult } from "../probe-kind.ts";
import { parseDuration } from "../../shared/duration.ts";
import { withSlowness } from "../shared/probe-result.ts";
import { gradioAlive, synthesiseGradio } from "./gradio-speech.ts";
import { openAiSpeechAlive, synthesiseOpenAi } from "./openai-speech.ts";
import { TtsTargetSchema, type TtsTarget } from "./schema.ts";
import { SynthesisCache } from "./synthesis-cache.ts";

/** One cache for the kind: the last good synthesis of each configured TTS service. */
const lastSynthesis = new SynthesisCache();

/**
 * Text to speech: an OpenAI `/v1/audio/speech` server or a Gradio app (Nari Dia). Speech is synthesised at most
 * every `synthesisEvery`; in between a cheap liveness check runs and the last synthesis's verdict stands.
 */
async function run(target: TtsTarget, ctx: ProbeContext): Promise<ProbeResult> {
  const key = `${target.name} ${target.url} ${target.api}`;
  const everyMs = parseDuration(target.synthesisEvery) ?? 0;
  const cached = lastSynthesis.fresh(key, ctx.now(), everyMs);
  if (cached) {
    const alive = target.api === "gradio" ? await gradioAlive(target, ctx) : await openAiSpeechAlive(target, ctx);
    if (alive.status !== "up") {
      lastSynthesis.forget(key);
      return alive;
    }
    const ago = Math.round((ctx.now() - cached.at) / 1000);
    return withSlowness({ ...cached.result, latencyMs: alive.latencyMs, detail: `${alive.detail}; last synthesis ${ago} s ago: ${cached.result.detail}` }, ctx);
  }
  const result = target.api === "gradio" ? await synthesiseGradio(target, ctx) : await synthesiseOpenAi(target, ctx);
  lastSynthesis.record(key, ctx.now(), result);
  return withSlowness(result, ctx);
}

export const ttsProbe = {
  kind: "tts",
  schema: TtsTargetSchema,
  run,
} satisfies ProbeKind<TtsTarget>;
