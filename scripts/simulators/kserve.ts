import { createHash } from "node:crypto";
import type { ServerResponse } from "node:http";
import { isRecord, json, parseJson, sendJson } from "./shared/http-io.ts";
import { findRoute, type Route } from "./shared/routes.ts";
import type { KindDefinition, SimContext, SimRequest } from "./shared/types.ts";

// A Triton server speaking KServe v2 (the Open Inference Protocol), one server for several models (YOLO and CLIP in
// the reference setup). Readiness is the status code: 200 ready, 400 not. Inference checks the input tensors and
// answers small deterministic outputs (a few detections or a short embedding, not a full YOLO grid).
// "loading": the server is live but not ready and every model is UNAVAILABLE. "unloaded": the server is ready, the
// models are not (POST /v2/repository/models/<m>/load loads one).

interface Tensor {
  name: string;
  datatype: string;
  shape: number[];
}

/** Inputs and outputs by model family; unknown names get a generic image model. */
function signature(model: string): { inputs: Tensor[]; outputs: Tensor[] } {
  if (/clip/i.test(model)) {
    return { inputs: [{ name: "pixel_values", datatype: "FP32", shape: [1, 3, 224, 224] }], outputs: [{ name: "image_embeds", datatype: "FP32", shape: [1, 8] }] };
  }
  return { inputs: [{ name: "images", datatype: "FP32", shape: [1, 3, 640, 640] }], outputs: [{ name: "output0", datatype: "FP32", shape: [1, 3, 6] }] };
}

const unknown = (model: string) => ({ error: `Request for unknown model: '${model}' is not found` });
const ready = (ctx: SimContext) => ctx.mode !== "loading";

function metadata(res: ServerResponse, ctx: SimContext, model: string): void {
  if (!ctx.models.has(model)) return sendJson(res, 400, unknown(model));
  sendJson(res, 200, { name: model, versions: ["1"], platform: "onnxruntime_onnx", ...signature(model) });
}

function modelReady(res: ServerResponse, ctx: SimContext, model: string): void {
  if (!ctx.models.has(model)) return sendJson(res, 400, unknown(model));
  sendJson(res, ctx.models.isLoaded(model) ? 200 : 400, {});
}

async function infer(req: SimRequest, res: ServerResponse, ctx: SimContext, model: string): Promise<void> {
  if (!ctx.models.has(model)) return sendJson(res, 400, unknown(model));
  if (!ctx.models.isLoaded(model)) return sendJson(res, 400, { error: `Request for unknown model: '${model}' has no available versions` });
  const parsed = parseJson(await req.body());
  const inputs = parsed.ok && isRecord(parsed.value) && Array.isArray(parsed.value.inputs) ? parsed.value.inputs : undefined;
  if (!inputs) return sendJson(res, 400, { error: "failed to parse the request JSON buffer: 'inputs' is missing" });
  const expected = signature(model).inputs[0];
  const given = inputs.find((i) => isRecord(i) && i.name === expected.name);
  if (!isRecord(given) || !Array.isArray(given.shape) || !Array.isArray(given.data)) {
    return sendJson(res, 400, { error: `expected input '${expected.name}' with shape and data for model '${model}'` });
  }
  const count = (given.shape as number[]).reduce((a, b) => a * b, 1);
  if (given.data.length !== count) {
    return sendJson(res, 400, { error: `unexpected number of elements for input '${expected.name}': expected ${count}, got ${given.data.length}` });
  }
  const seed = createHash("sha256").update(JSON.stringify(given.data.slice(0, 64))).digest();
  const outputs = signature(model).outputs.map((o) => {
    const n = o.shape.reduce((a, b) => a * b, 1);
    return { ...o, data: Array.from({ length: n }, (_, i) => Math.round((seed[i % seed.length] / 255) * 1000) / 1000) };
  });
  sendJson(res, 200, { model_name: model, model_version: "1", outputs });
}

const M = "([^/]+)";
const routes: Route[] = [
  { method: "GET", path: "/v2/health/live", handler: (_q, res) => sendJson(res, 200, {}) },
  { method: "GET", path: "/v2/health/ready", handler: (_q, res, ctx) => sendJson(res, ready(ctx) ? 200 : 400, {}) },
  {
    method: "GET", path: "/v2", handler: (_q, res) =>
      sendJson(res, 200, { name: "triton", version: "2.50.0", extensions: ["classification", "sequence", "model_repository", "schedule_policy", "model_configuration", "binary_tensor_data", "parameters", "statistics"] }),
  },
  { method: "GET", path: new RegExp(`^/v2/models/${M}$`), handler: (_q, res, ctx, [m]) => metadata(res, ctx, m) },
  { method: "GET", path: new RegExp(`^/v2/models/${M}/ready$`), handler: (_q, res, ctx, [m]) => modelReady(res, ctx, m) },
  { method: "GET", path: new RegExp(`^/v2/models/${M}/versions/${M}/ready$`), handler: (_q, res, ctx, [m]) => modelReady(res, ctx, m) },
  { method: "POST", path: new RegExp(`^/v2/models/${M}/infer$`), handler: (q, res, ctx, [m]) => infer(q, res, ctx, m) },
  { method: "POST", path: new RegExp(`^/v2/models/${M}/versions/${M}/infer$`), handler: (q, res, ctx, [m]) => infer(q, res, ctx, m) },
  {
    method: "POST", path: "/v2/repository/index", handler: (_q, res, ctx) =>
      sendJson(res, 200, ctx.models.available.map((name) => {
        const isReady = ctx.models.isLoaded(name);
        return { name, version: "1", state: isReady ? "READY" : "UNAVAILABLE", reason: isReady ? "" : ctx.mode === "loading" ? "loading" : "unloaded" };
      })),
  },
  {
    method: "POST", path: new RegExp(`^/v2/repository/models/${M}/(load|unload)$`), handler: async (_q, res, ctx, [m, action]) => {
      if (!ctx.models.has(m)) return sendJson(res, 400, { error: `failed to load '${m}', no version is available` });
      if (action === "load") await ctx.ensureLoaded(m);
      else ctx.models.unload(m);
      sendJson(res, 200, {});
    },
  },
];

export const kserveSimulator: KindDefinition = {
  kind: "kserve",
  defaultModels: ["yolov8n", "clip"],
  loadsAll: true,
  modes: ["loading", "unloaded"],
  impostor: "whisper-openai",
  handle(req, res, ctx) {
    const route = findRoute(routes, req.method, req.path);
    if (!route) return sendJson(res, 404, { error: "Not Found" });
    return route.handler(req, res, ctx, route.params);
  },
  errorReply: (s, message) => json(s, { error: message }),
};
