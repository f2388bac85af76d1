import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "../../scripts/simulators/index.ts";
import { itReportsBrokenStates, itReportsHungAsDown, itReportsWrongService, probeOnce } from "./probe-once.ts";

const MODEL = "mlx-community/Llama-3.2-3B-Instruct-4bit";

describe("mlx probe", () => {
  let sim: Simulator;
  const target = (extra: Record<string, unknown> = {}) => ({ kind: "mlx", url: sim.url, models: ["Llama-3.2-3B-Instruct-4bit"], ...extra });

  beforeAll(async () => {
    sim = await startSimulator("mlx", { models: [MODEL] });
  });
  afterEach(async () => {
    await sim.setMode("up");
    sim.setModels({ available: [MODEL], loaded: [MODEL] });
  });
  afterAll(async () => {
    // Naming a model in a chat makes mlx_lm.server load (or download) it; the probe never sends one.
    expect(sim.requests.filter((r) => r.method === "POST")).toEqual([]);
    await sim.close();
  });

  it("run() matches the expected model by suffix and reports it loaded when listed", async () => {
    const r = await probeOnce(target());
    expect(r).toMatchObject({ status: "up", models: { loaded: [MODEL], available: [MODEL] } });
    expect(r.detail).toMatch(/cannot report loaded state/);
  });

  it.each(["unloaded", "loading"] as const)("run() still reports up in %s mode, which mlx cannot show", async (mode) => {
    await sim.setMode(mode);
    const r = await probeOnce(target());
    expect(r.status).toBe("up");
    expect(r.detail).toMatch(/cannot report loaded state beyond its cached-model list/);
  });

  it("run() reports cold when the expected model is not in /v1/models", async () => {
    sim.setModels({ available: ["mlx-community/Qwen2.5-7B-Instruct-4bit"], loaded: [] });
    const r = await probeOnce(target());
    expect(r.status).toBe("cold");
    expect(r.detail).toMatch(/not in \/v1\/models: Llama-3.2-3B-Instruct-4bit/);
  });

  itReportsBrokenStates(() => sim, target);

  itReportsWrongService(() => sim, target, "llama.cpp answers /health without mlx's exact bytes", /llama\.cpp/);

  itReportsHungAsDown(() => sim, target, "mlx_lm.server");
});
