import { createHash, randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import { isRecord, json, parseJson, send, sendJson, sleep, text } from "./shared/http-io.ts";
import { tokenize } from "./shared/reply-text.ts";
import { findRoute, type Route } from "./shared/routes.ts";
import { StreamWriter } from "./shared/stream-writer.ts";
import type { KindDefinition, SimContext, SimRequest } from "./shared/types.ts";
import { makeWav } from "./shared/wav.ts";

// The Nari Dia Gradio app (Gradio 5, API under /gradio_api). Two steps: POST /gradio_api/call/generate_audio
// {"data":[10 inputs]} gives {"event_id"}; GET …/generate_audio/<event_id> streams SSE ending in `event: complete`
// with [audio file, seed, console log]; the file is served at /gradio_api/file=<path>. The WAV lasts 65 ms per
// character divided by speed_factor. An empty text ends in `event: error`, as gr.Error does. "stream-error": that
// error event after a heartbeat. "garbage": the call works but the audio file is zero bytes.

const SAMPLE_RATE = 44_100;
const INPUTS = ["text", "audio_prompt_text", "audio_prompt", "max_new_tokens", "cfg_scale", "temperature", "top_p", "cfg_filter_top_k", "speed_factor", "seed"];
const HTML = '<!doctype html><html><head><title>Gradio</title><script>window.gradio_config = {"version":"5.25.2","mode":"blocks"};</script></head><body><gradio-app></gradio-app></body></html>';

interface Job {
  data: unknown[];
}

function jobs(ctx: SimContext): Map<string, Job> {
  if (!ctx.state.has("jobs")) ctx.state.set("jobs", new Map<string, Job>());
  return ctx.state.get("jobs") as Map<string, Job>;
}

function files(ctx: SimContext): Map<string, Buffer> {
  if (!ctx.state.has("files")) ctx.state.set("files", new Map<string, Buffer>());
  return ctx.state.get("files") as Map<string, Buffer>;
}

async function call(req: SimRequest, res: ServerResponse, ctx: SimContext): Promise<void> {
  const parsed = parseJson(await req.body());
  const data = parsed.ok && isRecord(parsed.value) ? parsed.value.data : undefined;
  if (!Array.isArray(data)) return sendJson(res, 422, { detail: [{ type: "missing", loc: ["body", "data"], msg: "Field required" }] });
  const eventId = randomUUID().replace(/-/g, "");
  jobs(ctx).set(eventId, { data });
  sendJson(res, 200, { event_id: eventId });
}

async function result(res: ServerResponse, ctx: SimContext, eventId: string): Promise<void> {
  const job = jobs(ctx).get(eventId);
  if (!job) return sendJson(res, 404, { detail: `Event ID ${eventId} not found` });
  jobs(ctx).delete(eventId);
  const w = StreamWriter.sse(res);
  w.event("heartbeat", "null");
  const [textInput, , , , , , , , speedFactor, seed] = job.data;
  if (ctx.mode === "stream-error") {
    w.event("error", JSON.stringify("simulated failure in the middle of generation"));
    return w.end();
  }
  if (typeof textInput !== "string" || textInput.trim() === "") {
    w.event("error", JSON.stringify("Text input cannot be empty."));
    return w.end();
  }
  await ctx.ensureLoaded(ctx.models.available[0] ?? "nari-labs/Dia-1.6B");
  const speed = typeof speedFactor === "number" && speedFactor > 0 ? speedFactor : 1;
  await sleep(tokenize(textInput).length * ctx.settings.tokenDelayMs);
  if (w.closed) return;
  const wav = makeWav(Math.max(0.3, (textInput.length * 0.065) / speed), SAMPLE_RATE);
  const path = `/tmp/gradio/${createHash("sha256").update(`${eventId}${textInput}`).digest("hex").slice(0, 40)}/audio.wav`;
  files(ctx).set(path, wav);
  const file = { path, url: `${ctx.url}/gradio_api/file=${path}`, size: wav.length, orig_name: "audio.wav", mime_type: "audio/wav", is_stream: false, meta: { _type: "gradio.FileData" } };
  w.event("complete", JSON.stringify([file, typeof seed === "number" && seed >= 0 ? seed : 42, `Generated ${wav.length} bytes of audio.`]));
  w.end();
}

const info = {
  named_endpoints: {
    "/generate_audio": {
      parameters: INPUTS.map((name) => ({ label: name, parameter_name: name, parameter_has_default: name !== "text", component: name === "audio_prompt" ? "Audio" : name === "text" ? "Textbox" : "Slider" })),
      returns: [{ label: "Generated Audio", component: "Audio" }, { label: "Seed", component: "Textbox" }, { label: "Console", component: "Textbox" }],
    },
  },
  unnamed_endpoints: {},
};

const routes: Route[] = [
  { method: "GET", path: "/", handler: (_q, res) => send(res, text(200, HTML, "text/html; charset=utf-8")) },
  { method: "GET", path: "/config", handler: (_q, res) => sendJson(res, 200, { version: "5.25.2", mode: "blocks", api_prefix: "/gradio_api", dependencies: [{ api_name: "generate_audio" }] }) },
  { method: "GET", path: "/gradio_api/info", handler: (_q, res) => sendJson(res, 200, info) },
  { method: "POST", path: "/gradio_api/call/generate_audio", handler: call },
  { method: "GET", path: /^\/gradio_api\/call\/generate_audio\/([^/]+)$/, handler: (_q, res, ctx, [id]) => result(res, ctx, id) },
  {
    method: "GET", path: /^\/gradio_api\/file=(.+)$/, handler: (_q, res, ctx, [path]) => {
      const wav = files(ctx).get(path);
      if (!wav) return sendJson(res, 404, { detail: "File not allowed" });
      send(res, { status: 200, contentType: "audio/wav", body: wav });
    },
  },
];

export const ttsGradioSimulator: KindDefinition = {
  kind: "tts-gradio",
  defaultModels: ["nari-labs/Dia-1.6B"],
  modes: ["stream-error"],
  impostor: "automatic1111",
  handle(req, res, ctx) {
    const route = findRoute(routes, req.method, req.path);
    if (!route) return sendJson(res, 404, { detail: "Not Found" });
    return route.handler(req, res, ctx, route.params);
  },
  errorReply: (s, message) => json(s, { detail: message }),
  async garbage(req, res, ctx) {
    if (req.path.startsWith("/gradio_api/file=")) {
      send(res, { status: 200, contentType: "audio/wav", body: Buffer.alloc(0) });
      return true;
    }
    if (!req.path.startsWith("/gradio_api/call/")) return false;
    const route = findRoute(routes, req.method, req.path);
    if (!route) return false;
    await route.handler(req, res, ctx, route.params);
    return true;
  },
};
