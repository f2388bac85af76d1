import { createHash, randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import { isRecord, json, parseJson, send, sendJson, sleep, text } from "./shared/http-io.ts";
import { makePng } from "./shared/png.ts";
import { findRoute, type Route } from "./shared/routes.ts";
import type { KindDefinition, SimContext, SimRequest } from "./shared/types.ts";

// ComfyUI (aiohttp; every route also under /api). /system_stats is the health and memory view: VRAM in use grows
// with each loaded checkpoint. POST /prompt queues an API-format graph; it runs for `steps` × tokenDelayMs, then
// /history/<id> lists a PNG served by /view. The progress WebSocket (/ws) is not simulated. "unloaded": no
// checkpoint in memory (POST /free {"unload_models":true} does the same); the next prompt loads one.

const VRAM_TOTAL = 25_393_692_672;
const CHECKPOINT_BYTES = 4_265_380_512;

interface Job { id: string; number: number; prompt: Record<string, unknown>; done: boolean; filename?: string; colour: [number, number, number] }

function jobs(ctx: SimContext): Map<string, Job> {
  if (!ctx.state.has("jobs")) ctx.state.set("jobs", new Map<string, Job>());
  return ctx.state.get("jobs") as Map<string, Job>;
}

function systemStats(ctx: SimContext) {
  const free = VRAM_TOTAL - ctx.models.loaded.length * CHECKPOINT_BYTES - 1_073_741_824;
  return {
    system: { os: "posix", ram_total: 67_108_864_000, ram_free: 52_428_800_000, comfyui_version: "0.3.62", python_version: "3.12.3 (main, Jun 18 2025, 17:59:45) [GCC 13.3.0]", pytorch_version: "2.8.0+cu128", embedded_python: false, argv: ["main.py", "--listen", "127.0.0.1"] },
    devices: [{ name: "cuda:0 NVIDIA GeForce RTX 4090 : cudaMallocAsync", type: "cuda", index: 0, vram_total: VRAM_TOTAL, vram_free: free, torch_vram_total: VRAM_TOTAL - free, torch_vram_free: 0 }],
  };
}

const promptError = (type: string, message: string, nodeErrors: unknown = {}) => ({ error: { type, message, details: "", extra_info: {} }, node_errors: nodeErrors });

async function queuePrompt(req: SimRequest, res: ServerResponse, ctx: SimContext): Promise<void> {
  const parsed = parseJson(await req.body());
  const graph = parsed.ok && isRecord(parsed.value) ? parsed.value.prompt : undefined;
  if (!isRecord(graph)) return sendJson(res, 400, { error: "no prompt", node_errors: [] });
  const nodes = Object.entries(graph).filter((e): e is [string, Record<string, unknown>] => isRecord(e[1]) && typeof e[1].class_type === "string");
  if (nodes.length === 0) return sendJson(res, 400, promptError("prompt_no_outputs", "Prompt has no outputs"));
  const loader = nodes.find(([, n]) => n.class_type === "CheckpointLoaderSimple");
  const ckpt = loader && isRecord(loader[1].inputs) ? String(loader[1].inputs.ckpt_name ?? "") : ctx.models.available[0];
  if (!ckpt || !ctx.models.has(ckpt)) {
    const nodeId = loader?.[0] ?? "0";
    return sendJson(res, 400, promptError("prompt_outputs_failed_validation", "Prompt outputs failed validation", {
      [nodeId]: { errors: [{ type: "value_not_in_list", message: "Value not in list", details: `ckpt_name: '${ckpt}' not in ${JSON.stringify(ctx.models.available)}` }], class_type: "CheckpointLoaderSimple" },
    }));
  }
  const sampler = nodes.find(([, n]) => n.class_type === "KSampler");
  const steps = sampler && isRecord(sampler[1].inputs) && typeof sampler[1].inputs.steps === "number" ? sampler[1].inputs.steps : 20;
  const digest = createHash("sha256").update(JSON.stringify(graph)).digest();
  const job: Job = { id: randomUUID(), number: jobs(ctx).size, prompt: graph, done: false, colour: [digest[0], digest[1], digest[2]] };
  jobs(ctx).set(job.id, job);
  void (async () => {
    await ctx.ensureLoaded(ckpt);
    await sleep(Math.min(steps, 150) * ctx.settings.tokenDelayMs);
    job.filename = `ComfyUI_${String(job.number + 1).padStart(5, "0")}_.png`;
    job.done = true;
  })();
  sendJson(res, 200, { prompt_id: job.id, number: job.number, node_errors: {} });
}

function history(job: Job) {
  return {
    prompt: [job.number, job.id, job.prompt, {}, ["9"]],
    outputs: { "9": { images: [{ filename: job.filename, subfolder: "", type: "output" }] } },
    status: { status_str: "success", completed: true, messages: [] },
  };
}

const HTML = "<!doctype html><html><head><title>ComfyUI</title></head><body><div id=\"vue-app\"></div></body></html>";

const routes: Route[] = [
  { method: "GET", path: "/", handler: (_q, res) => send(res, text(200, HTML, "text/html; charset=utf-8")) },
  { method: "GET", path: "/system_stats", handler: (_q, res, ctx) => sendJson(res, 200, systemStats(ctx)) },
  { method: "GET", path: "/models", handler: (_q, res) => sendJson(res, 200, ["checkpoints", "loras", "vae", "clip", "controlnet", "upscale_models"]) },
  { method: "GET", path: "/models/checkpoints", handler: (_q, res, ctx) => sendJson(res, 200, ctx.models.available) },
  {
    method: "GET", path: "/object_info", handler: (_q, res, ctx) =>
      sendJson(res, 200, {
        CheckpointLoaderSimple: { input: { required: { ckpt_name: [ctx.models.available] } }, output: ["MODEL", "CLIP", "VAE"], name: "CheckpointLoaderSimple", display_name: "Load Checkpoint", category: "loaders" },
        KSampler: { input: { required: { seed: ["INT"], steps: ["INT"], cfg: ["FLOAT"] } }, output: ["LATENT"], name: "KSampler", display_name: "KSampler", category: "sampling" },
      }),
  },
  { method: "POST", path: "/prompt", handler: queuePrompt },
  { method: "GET", path: "/prompt", handler: (_q, res, ctx) => sendJson(res, 200, { exec_info: { queue_remaining: [...jobs(ctx).values()].filter((j) => !j.done).length } }) },
  {
    method: "GET", path: "/queue", handler: (_q, res, ctx) => {
      const pending = [...jobs(ctx).values()].filter((j) => !j.done).map((j) => [j.number, j.id, j.prompt, {}, ["9"]]);
      sendJson(res, 200, { queue_running: pending.slice(0, 1), queue_pending: pending.slice(1) });
    },
  },
  { method: "GET", path: "/history", handler: (_q, res, ctx) => sendJson(res, 200, Object.fromEntries([...jobs(ctx).values()].filter((j) => j.done).map((j) => [j.id, history(j)]))) },
  {
    method: "GET", path: /^\/history\/([^/]+)$/, handler: (_q, res, ctx, [id]) => {
      const job = jobs(ctx).get(id);
      sendJson(res, 200, job?.done ? { [id]: history(job) } : {});
    },
  },
  {
    method: "GET", path: "/view", handler: (q, res, ctx) => {
      const job = [...jobs(ctx).values()].find((j) => j.done && j.filename === q.query.get("filename"));
      if (!job) return send(res, text(404, "404: Not Found"));
      send(res, { status: 200, contentType: "image/png", body: makePng(64, 64, job.colour) });
    },
  },
  { method: "POST", path: "/interrupt", handler: (_q, res) => send(res, text(200, "")) },
  {
    method: "POST", path: "/free", handler: async (q, res, ctx) => {
      const parsed = parseJson(await q.body());
      if (parsed.ok && isRecord(parsed.value) && parsed.value.unload_models === true) ctx.models.unloadAll();
      send(res, text(200, ""));
    },
  },
];

export const comfyUiSimulator: KindDefinition = {
  kind: "comfyui",
  defaultModels: ["sd3_medium_incl_clips.safetensors", "sd_xl_base_1.0.safetensors"],
  modes: ["unloaded"],
  impostor: "automatic1111",
  handle(req, res, ctx) {
    const path = req.path.startsWith("/api/") ? req.path.slice(4) : req.path;
    const route = findRoute(routes, req.method, path);
    if (!route) return send(res, text(404, "404: Not Found"));
    return route.handler(req, res, ctx, route.params);
  },
  errorReply: (s, message) => json(s, promptError("server_error", message)),
};
