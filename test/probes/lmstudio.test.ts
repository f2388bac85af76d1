import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "../../scripts/simulators/index.ts";
import { itReportsBrokenStates, itReportsHungAsDown, itReportsStates, itReportsWrongService, probeOnce } from "./probe-once.ts";

const MODELS = ["qwen/qwen3-8b", "google/gemma-3-12b", "text-embedding-nomic-embed-text-v1.5"];

describe("lmstudio probe", () => {
  let sim: Simulator;
  const target = (extra: Record<string, unknown> = {}) => ({ kind: "lmstudio", url: sim.url, ...extra });

  beforeAll(async () => {
    sim = await startSimulator("lmstudio", { models: MODELS, loaded: ["qwen/qwen3-8b"] });
  });
  afterEach(async () => {
    await sim.setMode("up");
    sim.setModels({ available: MODELS, loaded: ["qwen/qwen3-8b"] });
  });
  afterAll(async () => {
    // Inference is what JIT-loads a model in LM Studio; the probe must never send any.
    expect(sim.requests.filter((r) => r.method === "POST")).toEqual([]);
    await sim.close();
  });

  it("run() reports up with the loaded state from /api/v0/models", async () => {
    const r = await probeOnce(target({ models: ["qwen/qwen3-8b"] }));
    expect(r).toMatchObject({ status: "up", models: { loaded: ["qwen/qwen3-8b"], available: MODELS } });
    expect(r.metrics).toMatchObject({ "models.loaded": 1, "models.available": 3 });
  });

  itReportsStates(() => sim, target, [
    { name: "unloaded: no model loaded", mode: "unloaded", models: [], status: "cold", detail: /no model loaded/ },
    { name: "loading: the expected model is not loaded yet", mode: "loading", models: ["qwen/qwen3-8b"], status: "cold", detail: /not loaded: qwen\/qwen3-8b/ },
    { name: "the expected model is downloaded but not loaded", mode: "up", models: ["google/gemma-3-12b"], status: "cold", detail: /not loaded: google\/gemma-3-12b/ },
    { name: "the expected model is not downloaded", mode: "up", models: ["openai/gpt-oss-20b"], status: "degraded", detail: /missing: openai\/gpt-oss-20b/ },
  ]);

  itReportsBrokenStates(() => sim, target);

  itReportsWrongService(() => sim, target, "mistral.rs answers on the port (no greeting)", /GET \/lmstudio-greeting answered 404.*not LM Studio/);

  itReportsHungAsDown(() => sim, target, "LM Studio");
});
