import type { ServerResponse } from "node:http";
import { json, send, sendJson, sleep, text } from "./shared/http-io.ts";
import { parseMultipart } from "./shared/multipart.ts";
import { findRoute, type Route } from "./shared/routes.ts";
import { srt, transcribe, verboseJson, vtt } from "./shared/transcript.ts";
import type { KindDefinition, SimContext, SimRequest } from "./shared/types.ts";

// whisper.cpp's whisper-server. POST /inference takes a multipart WAV (`file`) and answers {"text":" …"} with about
// 2.5 words per second of audio, after tokenDelayMs per word; requests run one at a time, as behind its mutex.
// "loading": /health and /inference answer 503 {"status":"loading model"}.

const FORM = "<html><head><title>Whisper.cpp Server</title></head><body><h1>Whisper.cpp Server</h1><form action=\"/inference\" method=\"post\" enctype=\"multipart/form-data\"><input type=\"file\" name=\"file\"></form></body></html>";

/** whisper.cpp serialises requests; so does the simulator. */
function serialised(ctx: SimContext, work: () => Promise<void>): Promise<void> {
  const previous = (ctx.state.get("queue") as Promise<void> | undefined) ?? Promise.resolve();
  const next = previous.then(work, work);
  ctx.state.set("queue", next.catch(() => undefined));
  return next;
}

async function inference(req: SimRequest, res: ServerResponse, ctx: SimContext): Promise<void> {
  const form = parseMultipart(await req.body(), req.raw.headers["content-type"]);
  const file = form?.files.file;
  if (!form || !file) return sendJson(res, 400, { error: "no 'file' field in the request" });
  const transcript = transcribe(file.data, ctx.settings.reply);
  if (!transcript) return sendJson(res, 400, { error: "failed to read audio data" });
  await sleep(transcript.wordCount * ctx.settings.tokenDelayMs);
  switch (form.fields.response_format ?? "json") {
    case "text":
      return send(res, text(200, transcript.text, "text/html; charset=utf-8"));
    case "srt":
      return send(res, text(200, srt(transcript), "application/x-subrip"));
    case "vtt":
      return send(res, text(200, vtt(transcript), "text/vtt"));
    case "verbose_json":
      return sendJson(res, 200, verboseJson(transcript));
    default:
      return sendJson(res, 200, { text: transcript.text });
  }
}

async function load(req: SimRequest, res: ServerResponse, ctx: SimContext): Promise<void> {
  const form = parseMultipart(await req.body(), req.raw.headers["content-type"]);
  const model = form?.fields.model;
  if (!model || !ctx.models.has(model)) return sendJson(res, 400, { error: "model not found!" });
  ctx.models.set({ loaded: [model] });
  send(res, text(200, "Load was successful!", "application/text"));
}

const routes: Route[] = [
  { method: "GET", path: "/", handler: (_q, res) => send(res, text(200, FORM, "text/html; charset=utf-8")) },
  { method: "GET", path: "/health", handler: (_q, res) => sendJson(res, 200, { status: "ok" }) },
  { method: "POST", path: "/inference", handler: (q, res, ctx) => serialised(ctx, () => inference(q, res, ctx)) },
  { method: "POST", path: "/load", handler: (q, res, ctx) => serialised(ctx, () => load(q, res, ctx)) },
];

export const whisperSimulator: KindDefinition = {
  kind: "whisper",
  defaultModels: ["models/ggml-base.en.bin"],
  modes: ["loading"],
  impostor: "mlx",
  handle(req, res, ctx) {
    if (ctx.mode === "loading" && (req.path === "/health" || req.path === "/inference")) return sendJson(res, 503, { status: "loading model" });
    const route = findRoute(routes, req.method, req.path);
    if (!route) return send(res, text(404, `File Not Found (${req.path})`));
    return route.handler(req, res, ctx, route.params);
  },
  errorReply: (s, message) => json(s, { error: message }),
};
