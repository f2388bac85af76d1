import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type Simulator, type SimulatorKind } from "../../scripts/simulators/index.ts";
import { BROKEN_STATES, itReportsBrokenStates, itReportsHungAsDown, itReportsStates, itReportsWrongService, probeOnce } from "./probe-once.ts";

/** One simulator per API; every case of every API shares this lifecycle. */
function withSimulator(kind: SimulatorKind): { sim: () => Simulator } {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator(kind);
  });
  afterEach(async () => {
    await sim.setMode("up");
  });
  afterAll(async () => {
    await sim.close();
  });
  return { sim: () => sim };
}

describe("vision probe, OpenAI vision chat", () => {
  const { sim } = withSimulator("vision-openai");
  const target = (extra: Record<string, unknown> = {}) => ({ kind: "vision", api: "openai", url: sim().url, model: "pyvision", ...extra });

  it("run() sends a generated PNG as a data URL and reports the model's non-empty answer", async () => {
    const r = await probeOnce(target());
    expect(r.status).toBe("up");
    // The simulator describes the image it decoded, so this proves the PNG is valid.
    expect(r.detail).toMatch(/pyvision described a test image in \d+ ms: "The image is a 8x8 PNG/);
  });

  it("run() uses the first listed model when none is configured", async () => {
    const r = await probeOnce(target({ model: undefined }));
    expect(r.status).toBe("up");
    expect(r.models.loaded).toEqual(["pyvision"]);
  });

  it.each([
    { name: "the model is loading (503)", mode: "loading", model: "pyvision", status: "cold", detail: /loading/ },
    { name: "the configured model does not exist", mode: "up", model: "llava", status: "degraded", detail: /model llava not found/ },
  ] as const)("run() reports $status when $name", async ({ mode, model, status, detail }) => {
    await sim().setMode(mode);
    const r = await probeOnce(target({ model }));
    expect(r.status).toBe(status);
    expect(r.detail).toMatch(detail);
  });

  itReportsBrokenStates(sim, target);

  itReportsWrongService(sim, target, "mlx_lm.server (text only) answers on the port", /mlx_lm\.server/);

  itReportsHungAsDown(sim, target, "vision server");
});

describe("vision probe, Triton/KServe v2", () => {
  const { sim } = withSimulator("kserve");
  const target = (extra: Record<string, unknown> = {}) => ({ kind: "vision", api: "kserve", url: sim().url, model: "yolov8n", ...extra });

  it("run() reports up from the readiness status codes, with the server version", async () => {
    const r = await probeOnce(target({ models: ["clip"] }));
    expect(r).toMatchObject({ status: "up", version: "triton 2.50.0", models: { loaded: ["yolov8n", "clip"], available: ["yolov8n", "clip"] } });
  });

  itReportsStates(sim, target, [
    { name: "the server is live but not ready", mode: "loading", status: "cold", detail: /live but not ready \(GET \/v2\/health\/ready answered 400\)/ },
    { name: "the model is not ready", mode: "unloaded", status: "cold", detail: /model not ready: yolov8n/ },
  ]);

  it("run() reports cold for a model the repository does not have", async () => {
    const r = await probeOnce(target({ model: "resnet50" }));
    expect(r.status).toBe("cold");
    expect(r.detail).toMatch(/not ready: resnet50/);
  });

  itReportsBrokenStates(sim, target);

  itReportsWrongService(sim, target, "a speech server answers on port 8000", /GET \/v2 answered 404/);

  itReportsHungAsDown(sim, target, "Triton");
});

describe("vision probe, AUTOMATIC1111", () => {
  const { sim } = withSimulator("automatic1111");
  const target = (extra: Record<string, unknown> = {}) => ({ kind: "vision", api: "automatic1111", url: sim().url, ...extra });

  it("run() reports the loaded checkpoint from the options and every checkpoint as available", async () => {
    const r = await probeOnce(target({ models: ["v1-5-pruned-emaonly"] }));
    expect(r.status).toBe("up");
    expect(r.models.loaded).toEqual([expect.stringMatching(/^v1-5-pruned-emaonly\.safetensors/)]);
    expect(r.models.available).toHaveLength(3);
  });

  it.each([
    { name: "the expected checkpoint is present but not loaded", models: ["sd_xl_base_1.0"], status: "cold", detail: /not loaded: sd_xl_base_1.0/ },
    { name: "the expected checkpoint is absent", models: ["flux1-dev"], status: "degraded", detail: /missing: flux1-dev/ },
  ] as const)("run() reports $status when $name", async ({ models, status, detail }) => {
    const r = await probeOnce(target({ models }));
    expect(r.status).toBe(status);
    expect(r.detail).toMatch(detail);
  });

  it.each(BROKEN_STATES.map((s) => (s.mode === "error-200" ? { ...s, detail: /answered 200 with an error/ } : s)))(
    "run() reports $status when the server is in $mode mode",
    async ({ mode, status, detail }) => {
      await sim().setMode(mode);
      const r = await probeOnce(target());
      expect(r.status).toBe(status);
      expect(r.detail).toMatch(detail);
    },
  );

  it("run() reports wrong-service, hinting at --api, when another Gradio app answers on port 7860", async () => {
    await sim().setMode("wrong-service");
    const r = await probeOnce(target());
    expect(r.status).toBe("wrong-service");
    expect(r.detail).toMatch(/start it with --api/);
  });

  itReportsHungAsDown(sim, target, "AUTOMATIC1111");
});

describe("vision probe, ComfyUI", () => {
  const { sim } = withSimulator("comfyui");
  const target = (extra: Record<string, unknown> = {}) => ({ kind: "vision", api: "comfyui", url: sim().url, ...extra });

  it("run() reports the version, VRAM use and checkpoints from /system_stats and /models/checkpoints", async () => {
    const r = await probeOnce(target({ models: ["sd_xl_base_1.0"] }));
    expect(r).toMatchObject({ status: "up", version: "0.3.62" });
    expect(r.models.available).toEqual(["sd3_medium_incl_clips.safetensors", "sd_xl_base_1.0.safetensors"]);
    expect(r.metrics["gpu.memory.used_pct"]).toBeGreaterThan(0);
  });

  it("run() reports degraded when an expected checkpoint is missing", async () => {
    const r = await probeOnce(target({ models: ["flux1-dev"] }));
    expect(r.status).toBe("degraded");
    expect(r.detail).toMatch(/missing: flux1-dev/);
  });

  itReportsBrokenStates(sim, target);

  itReportsWrongService(sim, target, "AUTOMATIC1111 answers instead");

  itReportsHungAsDown(sim, target, "ComfyUI");
});
