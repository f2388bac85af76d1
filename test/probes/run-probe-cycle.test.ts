import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type Simulator, type SimulatorKind } from "../../scripts/simulators/index.ts";
import type { ProbeResult } from "../../src/probes/probe-kind.ts";
import { runProbe } from "../../src/probes/run-probe.ts";
import { silentLogger } from "../../src/shared/logger.ts";
import { serviceConfig } from "./probe-once.ts";

/** Simulator kind → probe target for it. */
const TARGETS: [SimulatorKind, Record<string, unknown>][] = [
  ["ollama", { kind: "ollama" }],
  ["lmstudio", { kind: "lmstudio" }],
  ["mlx", { kind: "mlx" }],
  ["llamacpp", { kind: "llamacpp" }],
  ["whisper", { kind: "whisper", api: "whisper.cpp" }],
  ["openai-compatible", { kind: "openai-compatible" }],
  ["mistralrs", { kind: "candle" }],
  ["candle-vllm", { kind: "candle" }],
];

const TIMEOUT_MS = 2000;
/** Room for a loaded 2-core machine; a hung probe without its own timeout would never finish at all. */
const MARGIN_MS = 3000;

describe("one probe cycle", () => {
  const sims: Simulator[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 15; i++) sims.push(await startSimulator(TARGETS[i % TARGETS.length]![0]));
    for (const i of [2, 7, 11]) await sims[i]!.setMode("hung");
  });
  afterAll(async () => {
    await Promise.all(sims.map((s) => s.close()));
  });

  it("runProbe() over 15 services with 3 hung finishes within the timeout, and the hung ones delay no one", async () => {
    const started = Date.now();
    const finished: number[] = [];
    const results: ProbeResult[] = await Promise.all(
      sims.map(async (sim, i) => {
        const target = serviceConfig({ ...TARGETS[i % TARGETS.length]![1], name: `svc-${i}`, url: sim.url });
        const r = await runProbe(target, { fetch: globalThis.fetch, logger: silentLogger(), now: Date.now, defaultTimeoutMs: TIMEOUT_MS });
        finished[i] = Date.now() - started;
        return r;
      }),
    );
    const wall = Date.now() - started;
    const hung = [2, 7, 11];
    results.forEach((r, i) => {
      if (hung.includes(i)) expect(r, `svc-${i}`).toMatchObject({ status: "down", detail: `no answer within ${TIMEOUT_MS} ms` });
      else expect(["up", "cold"], `svc-${i}: ${r.detail}`).toContain(r.status);
    });
    // The answering services finished before any hung one gave up: nobody waited for the hung ones.
    const slowestAnswer = Math.max(...finished.filter((_, i) => !hung.includes(i)));
    const firstHungGaveUp = Math.min(...hung.map((i) => finished[i]!));
    expect(slowestAnswer).toBeLessThan(firstHungGaveUp);
    expect(wall).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
  });
});
