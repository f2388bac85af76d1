import type { PipelinesConfig } from "../router/router-config.ts";
import type { RouteAnswer } from "../router/create-router.ts";
import type { VoiceInput } from "./pipeline-input.ts";
import { synthesize } from "./text-to-speech.ts";
import { runStage, StageError } from "./stage-error.ts";
import { transcribe } from "./speech-to-text.ts";
import { parseWav } from "../shared/wav.ts";
import { askRouter, serviceOf, type PipelineContext, type PipelineRun } from "./pipeline-context.ts";

export interface VoiceResult {
  transcript: string;
  answer: string;
  /** The spoken answer, base64. */
  audio: string;
  audioMime: string;
  /** ms per stage and in all. */
  timings: { stt: number; llm: number; tts: number; total: number };
  /** Processing time over the input audio's length; null when the audio is not a WAV (no length known). */
  rtf: number | null;
  audioSeconds: number | null;
  backend: string;
  model: string;
}

/** Speech in, speech out: speech recognition → the router → text-to-speech, each stage timed and named on failure. */
export async function runVoicePipeline(ctx: PipelineContext, cfg: PipelinesConfig["voice"], input: VoiceInput, run: PipelineRun): Promise<VoiceResult> {
  const stt = serviceOf(ctx.services, cfg.stt, "whisper", "stt", "pipelines.voice.stt");
  const tts = serviceOf(ctx.services, cfg.tts, "tts", "tts", "pipelines.voice.tts");
  const wav = parseWav(input.audio);
  run.audioSeconds = typeof wav === "string" ? null : wav.durationS;
  const signal = () => AbortSignal.timeout(ctx.stageTimeoutMs);
  const transcript = await runStage("stt", run.timings, ctx.clock, () => transcribe(stt, input.audio, input.mime, ctx.fetch, signal()));
  if (!transcript) throw new StageError("stt", 422, "stt: no speech was recognised in the audio");
  const llm: RouteAnswer = await runStage("llm", run.timings, ctx.clock, () =>
    askRouter(ctx, run, { model: input.model ?? cfg.model, messages: [{ role: "system", content: cfg.system }, { role: "user", content: transcript }] }),
  );
  const speech = await runStage("tts", run.timings, ctx.clock, () => synthesize(tts, llm.answer, ctx.fetch, signal()));
  const total = ctx.clock() - run.started;
  return {
    transcript,
    answer: llm.answer,
    audio: speech.audio.toString("base64"),
    audioMime: speech.mime,
    timings: { stt: run.timings.stt!, llm: run.timings.llm!, tts: run.timings.tts!, total },
    rtf: run.audioSeconds ? total / 1000 / run.audioSeconds : null,
    audioSeconds: run.audioSeconds,
    backend: llm.backend,
    model: llm.model,
  };
}
