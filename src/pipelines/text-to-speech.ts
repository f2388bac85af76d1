import { joinUrl } from "../probes/http/fetch-capped.ts";
import type { TtsTarget } from "../probes/tts/schema.ts";
import { serviceError } from "./stage-error.ts";

export interface Speech {
  audio: Buffer;
  mime: string;
}

/** Synthesises speech: OpenAI's POST /v1/audio/speech, or a Gradio app's endpoint (Nari Dia's generate_audio). */
export async function synthesize(service: TtsTarget, text: string, fetchFn: typeof fetch, signal: AbortSignal): Promise<Speech> {
  const speech = service.api === "gradio" ? await gradio(service, text, fetchFn, signal) : await openAi(service, text, fetchFn, signal);
  if (speech.audio.length === 0) throw new Error("the service answered with empty audio");
  return speech;
}

async function openAi(service: TtsTarget, text: string, fetchFn: typeof fetch, signal: AbortSignal): Promise<Speech> {
  const res = await fetchFn(new URL("/v1/audio/speech", service.url), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: service.model, input: text, voice: service.voice, response_format: "wav" }),
    signal,
  });
  if (!res.ok) throw new Error(await serviceError(res));
  return { audio: Buffer.from(await res.arrayBuffer()), mime: (res.headers.get("content-type") ?? "audio/wav").split(";")[0]! };
}

/**
 * Gradio 5's two-step call: POST /gradio_api/call/<endpoint> gives an event id; GET …/<event id> streams SSE
 * ending in `complete` (the outputs, the first being the audio file) or `error`.
 */
async function gradio(service: TtsTarget, text: string, fetchFn: typeof fetch, signal: AbortSignal): Promise<Speech> {
  const endpoint = joinUrl(service.url, `/gradio_api/call/${service.gradioEndpoint}`);
  // Dia reads speaker tags; a plain sentence is spoken by the first speaker.
  const script = /^\s*\[S\d\]/.test(text) ? text : `[S1] ${text}`;
  // Dia's generate_audio inputs in order: text, audio prompt text, audio prompt, max new tokens, CFG scale,
  // temperature, top p, CFG filter top k, speed factor, seed (-1: random).
  const data = [script, "", null, 3072, 3.0, 1.3, 0.95, 35, 0.94, -1];
  const call = await fetchFn(endpoint, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ data }), signal });
  if (!call.ok) throw new Error(await serviceError(call));
  const eventId = ((await call.json().catch(() => undefined)) as { event_id?: unknown } | undefined)?.event_id;
  if (typeof eventId !== "string") throw new Error("the Gradio call gave no event_id");
  const events = await fetchFn(`${endpoint}/${eventId}`, { signal });
  if (!events.ok) throw new Error(await serviceError(events));
  const outputs = completeEvent(await events.text());
  const file = outputs[0] as { url?: unknown; path?: unknown } | string | null;
  const url = typeof file === "string" ? file : typeof file?.url === "string" ? file.url : typeof file?.path === "string" ? joinUrl(service.url, `/gradio_api/file=${file.path}`) : undefined;
  if (!url) throw new Error("the Gradio answer has no audio file");
  const audio = await fetchFn(url, { signal });
  if (!audio.ok) throw new Error(`audio file: ${await serviceError(audio)}`);
  return { audio: Buffer.from(await audio.arrayBuffer()), mime: (audio.headers.get("content-type") ?? "audio/wav").split(";")[0]! };
}

/** The data of the `complete` event in a Gradio SSE answer; throws with the `error` event's message. */
export function completeEvent(sse: string): unknown[] {
  for (const block of sse.replace(/\r\n/g, "\n").split("\n\n")) {
    let event = "message";
    const data: string[] = [];
    for (const line of block.split("\n")) {
      if (line.startsWith("event:")) event = line.slice(6).trim();
      else if (line.startsWith("data:")) data.push(line.slice(5).trimStart());
    }
    if (event === "error") {
      let message = data.join("\n");
      try {
        message = String(JSON.parse(message) ?? "unknown error");
      } catch {
        // keep the raw text
      }
      throw new Error(`the Gradio app reported: ${message}`);
    }
    if (event === "complete") {
      const outputs = JSON.parse(data.join("\n")) as unknown;
      if (!Array.isArray(outputs)) throw new Error("the Gradio complete event is not a list of outputs");
      return outputs;
    }
  }
  throw new Error("the Gradio stream ended without a complete event");
}
