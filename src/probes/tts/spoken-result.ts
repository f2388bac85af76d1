import type { ProbeResult } from "../probe-kind.ts";
import { probeResult } from "../shared/probe-result.ts";
import { checkAudio } from "./check-audio.ts";

/** What every TTS probe asks to be spoken: short, so synthesis stays cheap, and long enough to time. */
export const SPOKEN_TEXT = "Hello from the service tracker.";

/** Audio for one short sentence is well under this; a larger answer is a fault, not speech. */
export const AUDIO_CAP = 16 * 1024 * 1024;

/** Judges synthesised bytes: empty or not audio is down; odd length or silence is degraded; else up, with RTF. */
export function spokenResult(bytes: Buffer, latencyMs: number, model: string | null, spoken = SPOKEN_TEXT): ProbeResult {
  const audio = checkAudio(bytes, spoken);
  const models = model ? { loaded: [model], available: [model] } : undefined;
  if (!audio.ok) {
    const status = bytes.length === 0 || /no known audio format|unreadable|no samples/.test(audio.problem) ? "down" : "degraded";
    return probeResult(status, `synthesis answered, but ${audio.problem}`, { latencyMs, models, errors: [audio.problem] });
  }
  const metrics: Record<string, number> = {};
  if (audio.durationS !== null) {
    metrics["tts.audio_s"] = Math.round(audio.durationS * 1000) / 1000;
    metrics["speech.rtf"] = Math.round((latencyMs / 1000 / audio.durationS) * 1000) / 1000;
  }
  const rtf = metrics["speech.rtf"] !== undefined ? ` (RTF ${metrics["speech.rtf"].toFixed(2)})` : "";
  return probeResult("up", `synthesised ${audio.summary} in ${Math.round(latencyMs)} ms${rtf}`, { latencyMs, models, metrics });
}
