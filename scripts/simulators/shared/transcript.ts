import { words } from "./reply-text.ts";
import { readWav } from "./wav.ts";

/** Words per second of audio in a simulated transcript: about normal speech. */
export const WORDS_PER_SECOND = 2.5;

export interface Transcript {
  /** With the leading space whisper puts there. */
  text: string;
  durationSec: number;
  wordCount: number;
}

/** A transcript whose length follows the clip's length; undefined when the bytes are not a WAV. */
export function transcribe(audio: Buffer, sentence: string): Transcript | undefined {
  const wav = readWav(audio);
  if (!wav) return undefined;
  const wordCount = Math.max(1, Math.round(wav.durationSec * WORDS_PER_SECOND));
  return { text: ` ${words(sentence, wordCount)}.`, durationSec: wav.durationSec, wordCount };
}

function timestamp(sec: number, separator: "," | "."): string {
  const ms = Math.round(sec * 1000);
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor(ms / 60_000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}${separator}${pad(ms % 1000, 3)}`;
}

export function srt(t: Transcript): string {
  return `1\n${timestamp(0, ",")} --> ${timestamp(t.durationSec, ",")}\n${t.text.trim()}\n\n`;
}

export function vtt(t: Transcript): string {
  return `WEBVTT\n\n${timestamp(0, ".")} --> ${timestamp(t.durationSec, ".")}\n${t.text.trim()}\n\n`;
}

export function verboseJson(t: Transcript) {
  return {
    task: "transcribe", language: "english", duration: Math.round(t.durationSec * 1000) / 1000, text: t.text,
    segments: [{
      id: 0, text: t.text, start: 0, end: Math.round(t.durationSec * 1000) / 1000, tokens: Array.from({ length: t.wordCount }, (_, i) => 50364 + i),
      temperature: 0, avg_logprob: -0.2, no_speech_prob: 0.01,
    }],
    detected_language: "english", detected_language_probability: 0.97, language_probabilities: { english: 0.97 },
  };
}
