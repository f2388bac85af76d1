import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "../../scripts/simulators/index.ts";
import { itReportsBrokenStates, itReportsHungAsDown, itReportsStates, probeOnce } from "./probe-once.ts";

const MODEL = "meta-llama/Llama-3.1-8B-Instruct";

describe("openai-compatible probe", () => {
  let sim: Simulator;
  const target = (extra: Record<string, unknown> = {}) => ({ kind: "openai-compatible", url: sim.url, ...extra });

  beforeAll(async () => {
    sim = await startSimulator("openai-compatible", { models: [MODEL] });
  });
  afterEach(async () => {
    await sim.setMode("up");
    sim.setModels({ available: [MODEL] });
  });
  afterAll(async () => {
    expect(sim.requests.filter((r) => r.method === "POST")).toEqual([]);
    await sim.close();
  });

  it("run() reports up with the listed models and says loaded state is unknown", async () => {
    const r = await probeOnce(target({ models: [MODEL] }));
    expect(r).toMatchObject({ status: "up", models: { loaded: [], available: [MODEL] } });
    expect(r.detail).toMatch(/does not report loaded state/);
  });

  itReportsStates(() => sim, target, [
    { name: "the model is still loading (503)", mode: "loading", models: [], status: "cold", detail: /still loading/ },
    { name: "the expected model is not listed", mode: "up", models: ["mistralai/Mistral-7B"], status: "degraded", detail: /missing: mistralai\/Mistral-7B/ },
    { name: "LM Studio took the port and lacks the expected model", mode: "wrong-service", models: [MODEL], status: "degraded", detail: /missing: meta-llama/ },
  ]);

  itReportsBrokenStates(() => sim, target);

  itReportsHungAsDown(() => sim, target, "server");
});
