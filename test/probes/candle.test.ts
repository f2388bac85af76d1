import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "../../scripts/simulators/index.ts";
import { itReportsBrokenStates, itReportsHungAsDown, itReportsWrongService, probeOnce } from "./probe-once.ts";

const PHI = "microsoft/Phi-3.5-mini-instruct";

describe("candle probe, mistral.rs", () => {
  let sim: Simulator;
  const target = (extra: Record<string, unknown> = {}) => ({ kind: "candle", url: sim.url, ...extra });

  beforeAll(async () => {
    sim = await startSimulator("mistralrs", { models: [PHI] });
  });
  afterEach(async () => {
    await sim.setMode("up");
  });
  afterAll(async () => {
    expect(sim.requests.filter((r) => r.method === "POST")).toEqual([]);
    await sim.close();
  });

  it("run() reports up from /health OK and the model's status, skipping the default alias", async () => {
    const r = await probeOnce(target({ models: ["Phi-3.5-mini-instruct"] }));
    expect(r).toMatchObject({ status: "up", models: { loaded: [PHI], available: [PHI] } });
  });

  it.each([
    { mode: "unloaded", detail: /no model loaded/ },
    { mode: "loading", detail: /reloading/ },
  ] as const)("run() reports cold when the model is $mode", async ({ mode, detail }) => {
    await sim.setMode(mode);
    const r = await probeOnce(target());
    expect(r.status).toBe("cold");
    expect(r.detail).toMatch(detail);
  });

  itReportsBrokenStates(() => sim, target);

  itReportsWrongService(() => sim, target, "LM Studio answers on the shared port 1234", /LM Studio/);

  itReportsHungAsDown(() => sim, target, "mistral.rs");
});

describe("candle probe, candle-vllm", () => {
  let sim: Simulator;
  const target = () => ({ kind: "candle", url: sim.url });

  beforeAll(async () => {
    sim = await startSimulator("candle-vllm", { models: ["qwen3"] });
  });
  afterEach(async () => {
    await sim.setMode("up");
  });
  afterAll(async () => {
    await sim.close();
  });

  it("run() reports up from the candle-vllm model list when /health is missing", async () => {
    const r = await probeOnce(target());
    expect(r).toMatchObject({ status: "up", models: { loaded: ["qwen3"], available: ["qwen3"] } });
  });

  itReportsWrongService(() => sim, target, "another OpenAI-compatible server answers", /neither mistral\.rs nor candle-vllm/);

  itReportsBrokenStates(() => sim, target);
});

describe("candle probe, a binary on PATH", () => {
  it.each([
    { name: "it exits 0", binary: process.execPath, args: ["--version"], status: "up", detail: /runs: v\d+/ },
    { name: "it exits non-zero", binary: process.execPath, args: ["-e", "process.exit(3)"], status: "down", detail: /exited with 3/ },
    { name: "it is not on PATH", binary: "candle-binary-that-does-not-exist", args: [], status: "down", detail: /not found on PATH/ },
  ] as const)("run() reports $status when $name", async ({ binary, args, status, detail }) => {
    const r = await probeOnce({ kind: "candle", binary, binaryArgs: args });
    expect(r.status).toBe(status);
    expect(r.detail).toMatch(detail);
  });

  it("run() takes a binary's version from its first line of output", async () => {
    const r = await probeOnce({ kind: "candle", binary: process.execPath, binaryArgs: ["--version"] });
    expect(r.version).toBe(process.version);
  });

  it("runProbe() stops a binary that hangs at the probe's timeout", async () => {
    const r = await probeOnce({ kind: "candle", binary: process.execPath, binaryArgs: ["-e", "setTimeout(() => {}, 60000)"] }, 500);
    expect(r.status).toBe("down");
    expect(r.detail).toMatch(/no answer within 500 ms|timed out|stopped/);
  });
});
