import type { ServerResponse } from "node:http";
import { isRecord, json, parseJson, send, sendJson, sleep } from "./shared/http-io.ts";
import { openAiError } from "./shared/openai-chat.ts";
import { tokenize } from "./shared/reply-text.ts";
import { findRoute, type Route } from "./shared/routes.ts";
import { StreamWriter } from "./shared/stream-writer.ts";
import type { KindDefinition, SimContext, SimRequest } from "./shared/types.ts";
import { makeWav } from "./shared/wav.ts";

// An OpenAI-compatible text-to-speech server (the shape of Kokoro-FastAPI and openedai-speech). The audio is a real
// WAV, 65 ms per character of input divided by `speed` (at least 0.3 s); it only encodes wav and pcm, and refuses
// other formats with a 400 that says so. Audio streams in four pieces unless stream is false. "loading": /health says
// {"status":"unk"} and speech answers 503. "stream-error": the connection drops after the first piece of audio.
// "garbage": /v1/audio/speech answers 200 audio/wav with zero bytes.

export const TTS_SAMPLE_RATE = 24_000;
export const MS_PER_CHARACTER = 65;
const VOICES = ["alloy", "echo", "fable", "onyx", "nova", "shimmer", "af_heart"];

/** How long the simulated speech for `input` lasts. */
export function speechSeconds(input: string, speed = 1): number {
  return Math.max(0.3, (input.length * MS_PER_CHARACTER) / 1000 / speed);
}

async function speech(req: SimRequest, res: ServerResponse, ctx: SimContext): Promise<void> {
  const parsed = parseJson(await req.body());
  if (!parsed.ok || !isRecord(parsed.value)) return sendJson(res, 400, openAiError(400, "Request body must be a JSON object"));
  const body = parsed.value;
  if (typeof body.input !== "string" || body.input.trim() === "") return sendJson(res, 400, openAiError(400, "Empty Input", { param: "input" }));
  const modelName = typeof body.model === "string" ? body.model : "tts-1";
  if (!ctx.models.has(modelName)) return sendJson(res, 400, openAiError(400, `Unsupported model: ${modelName}`, { param: "model", code: "invalid_model" }));
  const format = typeof body.response_format === "string" ? body.response_format : "wav";
  if (format !== "wav" && format !== "pcm") {
    return sendJson(res, 400, openAiError(400, `response_format "${format}" is not supported by this server; use wav or pcm`, { param: "response_format" }));
  }
  const speed = typeof body.speed === "number" && body.speed >= 0.25 && body.speed <= 4 ? body.speed : 1;
  await ctx.ensureLoaded(modelName);
  const wav = makeWav(speechSeconds(body.input, speed), TTS_SAMPLE_RATE);
  const audio = format === "pcm" ? wav.subarray(44) : wav;
  const contentType = format === "pcm" ? "audio/pcm" : "audio/wav";
  const work = tokenize(body.input).length * ctx.settings.tokenDelayMs;
  if (body.stream === false) {
    await sleep(work);
    return send(res, { status: 200, contentType, body: audio });
  }
  res.writeHead(200, { "Content-Type": contentType });
  const piece = Math.ceil(audio.length / 4);
  for (let offset = 0; offset < audio.length; offset += piece) {
    if (offset > 0 && ctx.mode === "stream-error") {
      res.socket?.end();
      return;
    }
    await sleep(work / 4);
    if (res.destroyed) return;
    res.write(audio.subarray(offset, offset + piece));
  }
  res.end();
}

const routes: Route[] = [
  { method: "GET", path: "/health", handler: (_q, res, ctx) => sendJson(res, 200, { status: ctx.mode === "loading" ? "unk" : "ok" }) },
  {
    method: "GET", path: "/v1/models", handler: (_q, res, ctx) =>
      sendJson(res, 200, { object: "list", data: ctx.models.available.map((id) => ({ id, object: "model", created: 1686935002, owned_by: "tts" })) }),
  },
  { method: "GET", path: "/v1/audio/voices", handler: (_q, res) => sendJson(res, 200, { voices: VOICES.map((id) => ({ id, name: id })) }) },
  {
    method: "POST", path: "/v1/audio/speech", handler: (q, res, ctx) =>
      ctx.mode === "loading" ? sendJson(res, 503, openAiError(503, "The speech model is still loading")) : speech(q, res, ctx),
  },
];

export const ttsOpenAiSimulator: KindDefinition = {
  kind: "tts-openai",
  defaultModels: ["tts-1", "tts-1-hd", "kokoro"],
  modes: ["loading", "stream-error"],
  impostor: "kserve",
  handle(req, res, ctx) {
    const route = findRoute(routes, req.method, req.path);
    if (!route) return sendJson(res, 404, { detail: "Not Found" });
    return route.handler(req, res, ctx, route.params);
  },
  errorReply: (s, message) => json(s, openAiError(s, message)),
  garbage(req, res) {
    if (req.path !== "/v1/audio/speech") return false;
    send(res, { status: 200, contentType: "audio/wav", body: Buffer.alloc(0) });
    return true;
  },
};
