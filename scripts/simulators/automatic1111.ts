import { createHash } from "node:crypto";
import type { ServerResponse } from "node:http";
import { isRecord, json, parseJson, send, sendJson, sleep, text } from "./shared/http-io.ts";
import { makePng } from "./shared/png.ts";
import { findRoute, type Route } from "./shared/routes.ts";
import type { KindDefinition, SimContext, SimRequest } from "./shared/types.ts";

// AUTOMATIC1111 Stable Diffusion WebUI started with --api. The loaded checkpoint is `sd_model_checkpoint` in
// /sdapi/v1/options; POST /sdapi/v1/options switches it (loadMs). txt2img answers real PNGs (one solid colour per
// prompt) after `steps` × tokenDelayMs, with `info` as a JSON string, as the WebUI does. Universal modes only.

const hash = (name: string) => createHash("sha256").update(name).digest("hex");
const title = (name: string) => `${name}.safetensors [${hash(name).slice(0, 10)}]`;
const httpError = (status: number, detail: string) => ({ error: "HTTPException", detail, body: "", errors: detail, status });

function findCheckpoint(ctx: SimContext, wanted: string): string | undefined {
  return ctx.models.available.find((m) => m === wanted || title(m) === wanted || `${m}.safetensors` === wanted);
}

function options(ctx: SimContext) {
  const loaded = ctx.models.loaded[0];
  return {
    sd_model_checkpoint: loaded ? title(loaded) : null, sd_checkpoint_hash: loaded ? hash(loaded) : null, sd_vae: "Automatic",
    samples_format: "png", CLIP_stop_at_last_layers: 1, sd_checkpoints_limit: 1, outdir_txt2img_samples: "outputs/txt2img-images",
  };
}

async function setOptions(req: SimRequest, res: ServerResponse, ctx: SimContext): Promise<void> {
  const parsed = parseJson(await req.body());
  if (!parsed.ok || !isRecord(parsed.value)) return sendJson(res, 422, httpError(422, "the body must be a JSON object of options"));
  const wanted = parsed.value.sd_model_checkpoint;
  if (typeof wanted === "string") {
    const checkpoint = findCheckpoint(ctx, wanted);
    if (!checkpoint) return sendJson(res, 500, httpError(500, `model '${wanted}' not found`));
    await ctx.ensureLoaded(checkpoint);
    for (const other of ctx.models.loaded) if (other !== checkpoint) ctx.models.unload(other);
  }
  sendJson(res, 200, null);
}

async function txt2img(req: SimRequest, res: ServerResponse, ctx: SimContext): Promise<void> {
  const parsed = parseJson(await req.body());
  if (!parsed.ok || !isRecord(parsed.value)) return sendJson(res, 422, httpError(422, "the body must be a JSON object"));
  const p = parsed.value;
  const int = (v: unknown, d: number, max: number) => (typeof v === "number" && Number.isInteger(v) && v > 0 ? Math.min(v, max) : d);
  const [width, height, steps, batch] = [int(p.width, 512, 2048), int(p.height, 512, 2048), int(p.steps, 20, 150), int(p.batch_size, 1, 8)];
  const sampler = typeof p.sampler_name === "string" ? p.sampler_name : "Euler a";
  if (!SAMPLERS.includes(sampler)) return sendJson(res, 404, httpError(404, "Sampler not found"));
  const checkpoint = ctx.models.loaded[0] ?? ctx.models.available[0];
  if (!checkpoint) return sendJson(res, 500, httpError(500, "No checkpoints found"));
  await ctx.ensureLoaded(checkpoint);
  await sleep(steps * ctx.settings.tokenDelayMs);
  const prompt = typeof p.prompt === "string" ? p.prompt : "";
  const digest = createHash("sha256").update(prompt).digest();
  const seed = typeof p.seed === "number" && p.seed >= 0 ? p.seed : digest.readUInt32BE(0);
  const image = makePng(width, height, [digest[0], digest[1], digest[2]]).toString("base64");
  const parameters = { ...p, width, height, steps, batch_size: batch, sampler_name: sampler, seed };
  const info = { prompt, all_prompts: Array(batch).fill(prompt), seed, width, height, sampler_name: sampler, steps, sd_model_name: checkpoint, sd_model_hash: hash(checkpoint).slice(0, 10) };
  sendJson(res, 200, { images: Array(batch).fill(image), parameters, info: JSON.stringify(info) });
}

const SAMPLERS = ["Euler a", "Euler", "DPM++ 2M", "DPM++ SDE", "DDIM"];
const HTML = "<!doctype html><html><head><title>Stable Diffusion</title></head><body><gradio-app></gradio-app></body></html>";

const routes: Route[] = [
  { method: "GET", path: "/", handler: (_q, res) => send(res, text(200, HTML, "text/html; charset=utf-8")) },
  { method: "GET", path: "/internal/ping", handler: (_q, res) => sendJson(res, 200, {}) },
  {
    method: "GET", path: "/sdapi/v1/sd-models", handler: (_q, res, ctx) =>
      sendJson(res, 200, ctx.models.available.map((m) => ({ title: title(m), model_name: m, hash: hash(m).slice(0, 10), sha256: hash(m), filename: `/webui/models/Stable-diffusion/${m}.safetensors`, config: null }))),
  },
  { method: "GET", path: "/sdapi/v1/options", handler: (_q, res, ctx) => sendJson(res, 200, options(ctx)) },
  { method: "POST", path: "/sdapi/v1/options", handler: setOptions },
  { method: "POST", path: "/sdapi/v1/txt2img", handler: txt2img },
  { method: "GET", path: "/sdapi/v1/samplers", handler: (_q, res) => sendJson(res, 200, SAMPLERS.map((name) => ({ name, aliases: [], options: {} }))) },
  {
    method: "GET", path: "/sdapi/v1/progress", handler: (_q, res) =>
      sendJson(res, 200, { progress: 0, eta_relative: 0, state: { skipped: false, interrupted: false, job: "", job_count: 0, job_no: 0, sampling_step: 0, sampling_steps: 0 }, current_image: null, textinfo: null }),
  },
  {
    method: "GET", path: "/sdapi/v1/memory", handler: (_q, res, ctx) => {
      const used = ctx.models.loaded.length * 4.3e9;
      sendJson(res, 200, { ram: { free: 24e9, used: 8e9, total: 32e9 }, cuda: { system: { free: 24e9 - used, used: used, total: 24e9 } } });
    },
  },
  { method: "POST", path: "/sdapi/v1/unload-checkpoint", handler: (_q, res, ctx) => { ctx.models.unloadAll(); sendJson(res, 200, null); } },
  {
    method: "POST", path: "/sdapi/v1/reload-checkpoint", handler: async (_q, res, ctx) => {
      if (ctx.models.available[0]) await ctx.ensureLoaded(ctx.models.available[0]);
      sendJson(res, 200, null);
    },
  },
];

export const automatic1111Simulator: KindDefinition = {
  kind: "automatic1111",
  defaultModels: ["v1-5-pruned-emaonly", "sd_xl_base_1.0", "sd3_medium_incl_clips"],
  modes: [],
  impostor: "tts-gradio",
  handle(req, res, ctx) {
    const route = findRoute(routes, req.method, req.path);
    if (!route) return sendJson(res, 404, { detail: "Not Found" });
    return route.handler(req, res, ctx, route.params);
  },
  errorReply: (s, message) => json(s, httpError(s, message)),
};
