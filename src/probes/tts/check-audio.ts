import { audioFormatOf, parseWav } from "../../shared/wav.ts";

export type AudioVerdict =
  | { ok: true; format: string; durationS: number | null; summary: string }
  | { ok: false; problem: string };

/** Speech runs at roughly 2–3 words a second; these bounds leave room for slow voices and trailing silence. */
export function plausibleSeconds(text: string): { min: number; max: number } {
  const words = text.split(/\s+/).filter(Boolean).length;
  return { min: Math.max(0.2, words * 0.1), max: Math.max(10, words * 2) };
}

/**
 * Checks synthesised audio: not empty, a known container, and for WAV a readable header, some sound (not all
 * zeros) and a length plausible for the text spoken. MP3 and other compressed formats are accepted by magic.
 */
export function checkAudio(bytes: Buffer, spoken: string): AudioVerdict {
  if (bytes.length === 0) return { ok: false, problem: "the audio is empty (0 bytes)" };
  const format = audioFormatOf(bytes);
  if (format === null) return { ok: false, problem: `${bytes.length} bytes that are no known audio format (expected WAV or MP3)` };
  if (format !== "wav") return { ok: true, format, durationS: null, summary: `${bytes.length} bytes of ${format}` };
  const wav = parseWav(bytes);
  if (typeof wav === "string") return { ok: false, problem: `the WAV is unreadable: ${wav}` };
  if (wav.dataBytes === 0) return { ok: false, problem: "the WAV has no samples" };
  if (wav.bitsPerSample === 16 && isSilent(bytes.subarray(bytes.length - wav.dataBytes))) {
    return { ok: false, problem: `the WAV holds ${wav.durationS.toFixed(2)} s of pure silence` };
  }
  const { min, max } = plausibleSeconds(spoken);
  const duration = `${wav.durationS.toFixed(2)} s`;
  if (wav.durationS < min || wav.durationS > max) {
    return { ok: false, problem: `the audio lasts ${duration}, implausible for "${spoken}" (expected ${min.toFixed(1)}–${max} s)` };
  }
  return { ok: true, format, durationS: wav.durationS, summary: `${duration} of WAV at ${wav.sampleRate} Hz` };
}

function isSilent(pcm: Buffer): boolean {
  for (let i = 0; i + 1 < pcm.length; i += 2) if (pcm.readInt16LE(i) !== 0) return false;
  return true;
}
