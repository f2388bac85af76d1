import type { WhisperTarget } from "../probes/whisper/schema.ts";
import { serviceError } from "./stage-error.ts";

/**
 * Transcribes audio on a speech recognition service: whisper.cpp's POST /inference, or an OpenAI-compatible
 * POST /v1/audio/transcriptions (speaches, faster-whisper servers), both multipart with the audio as `file`.
 */
export async function transcribe(service: WhisperTarget, audio: Buffer, mime: string, fetchFn: typeof fetch, signal: AbortSignal): Promise<string> {
  const form = new FormData();
  form.append("file", new Blob([new Uint8Array(audio.buffer as ArrayBuffer, audio.byteOffset, audio.length)], { type: mime }), mime === "audio/wav" ? "audio.wav" : "audio");
  form.append("response_format", "json");
  let path: string;
  if (service.api === "openai") {
    form.append("model", service.model);
    path = "/v1/audio/transcriptions";
  } else {
    form.append("temperature", "0");
    path = "/inference";
  }
  const res = await fetchFn(new URL(path, service.url), { method: "POST", body: form, signal });
  if (!res.ok) throw new Error(await serviceError(res));
  const json = (await res.json().catch(() => undefined)) as { text?: unknown } | undefined;
  if (typeof json?.text !== "string") throw new Error("the answer has no text field");
  return json.text.trim();
}
