import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "../../scripts/simulators/index.ts";
import { itReportsBrokenStates, itReportsHungAsDown, itReportsStates, itReportsWrongService, probeOnce } from "./probe-once.ts";

const MODEL = "LFM2-1.2B-Q4_K_M.gguf";

describe("llamacpp probe", () => {
  let sim: Simulator;
  const target = (extra: Record<string, unknown> = {}) => ({ kind: "llamacpp", url: sim.url, ...extra });

  beforeAll(async () => {
    sim = await startSimulator("llamacpp", { models: [MODEL] });
  });
  afterEach(async () => {
    await sim.setMode("up");
  });
  afterAll(async () => {
    expect(sim.requests.filter((r) => r.method === "POST")).toEqual([]);
    await sim.close();
  });

  it("run() reports up with the build, the model and the slot gauge", async () => {
    const r = await probeOnce(target({ models: ["LFM2-1.2B-Q4_K_M"] }));
    expect(r).toMatchObject({ status: "up", version: "b6500-5f1a2c3d", models: { loaded: [MODEL], available: [MODEL] } });
    expect(r.metrics).toMatchObject({ "slots.total": 4, "slots.busy": 0 });
  });

  itReportsStates(() => sim, target, [
    { name: "loading (503 Loading model)", mode: "loading", models: [], status: "cold", detail: /loading its model/ },
    { name: "unloaded (the server sleeps)", mode: "unloaded", models: [], status: "cold", detail: /sleeping/ },
    { name: "it serves another model than expected", mode: "up", models: ["LFM2-2.6B"], status: "degraded", detail: /missing: LFM2-2.6B/ },
  ]);

  itReportsBrokenStates(() => sim, target);

  itReportsWrongService(() => sim, target, "whisper.cpp answers on the shared port", /whisper\.cpp/);

  itReportsHungAsDown(() => sim, target, "llama-server");
});
