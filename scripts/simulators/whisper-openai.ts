import type { ServerResponse } from "node:http";
import { json, send, sendJson, sleep, text } from "./shared/http-io.ts";
import { parseMultipart } from "./shared/multipart.ts";
import { findRoute, type Route } from "./shared/routes.ts";
import { StreamWriter } from "./shared/stream-writer.ts";
import { srt, transcribe, verboseJson, vtt } from "./shared/transcript.ts";
import type { KindDefinition, SimContext, SimRequest } from "./shared/types.ts";

// An OpenAI-compatible speech-to-text server shaped like speaches (was faster-whisper-server): FastAPI errors
// ({"detail": …}, 422 for a missing field), `file` and `model` both required, models loaded on demand and listed
// by /api/ps as strings. "unloaded": /api/ps is empty and the next transcription loads the model (loadMs);
// "loading": that load takes delayMs. "stream-error": with stream=true the connection drops after some deltas.

const missing = (field: string) => ({ detail: [{ type: "missing", loc: ["body", field], msg: "Field required", input: null }] });

function model(id: string) {
  return { id, created: 0, object: "model", owned_by: id.split("/")[0] ?? "local", language: ["en"], task: "automatic-speech-recognition" };
}

async function transcription(req: SimRequest, res: ServerResponse, ctx: SimContext): Promise<void> {
  const form = parseMultipart(await req.body(), req.raw.headers["content-type"]);
  if (!form) return sendJson(res, 422, missing("file"));
  const file = form.files.file;
  if (!file) return sendJson(res, 422, missing("file"));
  const name = form.fields.model;
  if (!name) return sendJson(res, 422, missing("model"));
  if (!ctx.models.has(name)) {
    return sendJson(res, 404, { detail: `Model '${name}' is not installed locally. You can download the model using \`POST /v1/models\`` });
  }
  const transcript = transcribe(file.data, ctx.settings.reply);
  if (!transcript) return sendJson(res, 400, { detail: "Failed to decode the audio file: it is not a WAV" });
  await ctx.ensureLoaded(name);
  const finalText = transcript.text.trim();
  if (form.fields.stream === "true") {
    const w = StreamWriter.sse(res);
    const pieces = finalText.split(" ");
    for (let i = 0; i < pieces.length; i++) {
      if (!(await w.pause(ctx.settings.tokenDelayMs))) return;
      if (ctx.mode === "stream-error" && i === Math.min(2, pieces.length - 1)) return w.cut();
      w.send({ type: "transcript.text.delta", delta: i === 0 ? pieces[i] : ` ${pieces[i]}`, logprobs: null });
    }
    w.send({ type: "transcript.text.done", text: finalText });
    return w.end();
  }
  await sleep(transcript.wordCount * ctx.settings.tokenDelayMs);
  switch (form.fields.response_format ?? "json") {
    case "text":
      return send(res, text(200, finalText));
    case "srt":
      return send(res, text(200, srt(transcript)));
    case "vtt":
      return send(res, text(200, vtt(transcript)));
    case "verbose_json":
      return sendJson(res, 200, { ...verboseJson(transcript), text: finalText });
    default:
      return sendJson(res, 200, { text: finalText });
  }
}

const routes: Route[] = [
  { method: "GET", path: "/health", handler: (_q, res) => sendJson(res, 200, { message: "OK" }) },
  {
    method: "GET", path: "/v1/models", handler: (q, res, ctx) => {
      const task = q.query.get("task");
      const data = ctx.models.available.map(model).filter((m) => !task || m.task === task);
      sendJson(res, 200, { data, object: "list" });
    },
  },
  { method: "GET", path: "/api/ps", handler: (_q, res, ctx) => sendJson(res, 200, { models: ctx.models.loaded }) },
  {
    method: "POST", path: /^\/api\/ps\/(.+)$/, handler: async (_q, res, ctx, [id]) => {
      if (!ctx.models.has(id)) return sendJson(res, 404, { detail: `Model '${id}' is not installed locally.` });
      if (ctx.models.isLoaded(id)) return sendJson(res, 409, { detail: `Model '${id}' is already loaded.` });
      await ctx.ensureLoaded(id);
      sendJson(res, 201, null);
    },
  },
  {
    method: "DELETE", path: /^\/api\/ps\/(.+)$/, handler: (_q, res, ctx, [id]) => {
      if (!ctx.models.isLoaded(id)) return sendJson(res, 404, { detail: `Model '${id}' is not loaded.` });
      ctx.models.unload(id);
      sendJson(res, 200, null);
    },
  },
  { method: "POST", path: "/v1/audio/transcriptions", handler: transcription },
];

export const whisperOpenAiSimulator: KindDefinition = {
  kind: "whisper-openai",
  defaultModels: ["Systran/faster-whisper-small"],
  modes: ["loading", "unloaded", "stream-error"],
  impostor: "kserve",
  handle(req, res, ctx) {
    const route = findRoute(routes, req.method, req.path);
    if (!route) return sendJson(res, 404, { detail: "Not Found" });
    return route.handler(req, res, ctx, route.params);
  },
  errorReply: (s, message) => json(s, { detail: message }),
};
