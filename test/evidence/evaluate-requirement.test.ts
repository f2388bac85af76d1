import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigSchema } from "../../src/config/schema.ts";
import type { Criterion } from "../../src/evidence/criterion.ts";
import { decideStatus, evaluateRequirement } from "../../src/evidence/evaluate-requirement.ts";
import { evaluateRequirements } from "../../src/evidence/evaluate-requirements.ts";
import type { CriterionResult } from "../../src/evidence/judge-criterion.ts";
import type { MetricReading } from "../../src/evidence/metrics/metric.ts";
import { seededStore } from "./seed-store.ts";

const NOW = Date.parse("2026-01-10T12:00:00Z");
const MIN = 60_000;
const CONFIG = ConfigSchema.parse({
  probe: { interval: "30s" },
  services: [
    { name: "mlx", kind: "mlx", url: "http://127.0.0.1:8002" },
    { name: "ollama", kind: "ollama", url: "http://127.0.0.1:11434", interval: "10s" },
    { name: "slow", kind: "ollama", url: "http://127.0.0.1:11435", interval: "5m" },
  ],
});

const r = (result: CriterionResult, critical = false) => ({ result, critical });

describe("decideStatus()", () => {
  it.each([
    { name: "every criterion passes", results: [r("pass"), r("pass")], status: "Verified" },
    { name: "no criteria", results: [], status: "Unverified" },
    { name: "one unverified, the rest pass", results: [r("pass"), r("unverified")], status: "Unverified" },
    { name: "all unverified", results: [r("unverified"), r("unverified")], status: "Unverified" },
    { name: "some fail, some pass", results: [r("pass"), r("fail"), r("unverified")], status: "Degraded" },
    { name: "all fail", results: [r("fail"), r("fail")], status: "Failing" },
    { name: "fails and the rest unverified", results: [r("fail"), r("unverified")], status: "Failing" },
    { name: "a critical one fails while others pass", results: [r("pass"), r("pass"), r("fail", true)], status: "Failing" },
    { name: "a critical one passes and another fails", results: [r("pass", true), r("fail")], status: "Degraded" },
    { name: "a critical one is unverified", results: [r("unverified", true), r("pass")], status: "Unverified" },
  ])("decideStatus() is $status when $name", ({ results, status }) => {
    expect(decideStatus([], results as { result: CriterionResult; critical: boolean }[]).status).toBe(status);
  });

  it("decideStatus() is Invalid on any parse error, with line:col in the summary", () => {
    expect(decideStatus([{ line: 3, column: 7, message: "boom" }], [r("pass")])).toEqual({ status: "Invalid", summary: "criteria do not parse: line 3:7: boom" });
  });

  it("decideStatus() is Verified only when every one of 1–5 criteria passes (every combination)", () => {
    const results: CriterionResult[] = ["pass", "fail", "unverified"];
    for (let n = 1; n <= 5; n++) {
      for (let code = 0; code < 3 ** n * 2 ** n; code++) {
        let c = code;
        const combo = Array.from({ length: n }, () => {
          const result = results[c % 3]!;
          c = Math.floor(c / 3);
          const critical = c % 2 === 1;
          c = Math.floor(c / 2);
          return { result, critical };
        });
        const { status } = decideStatus([], combo);
        expect(status === "Verified", JSON.stringify(combo)).toBe(combo.every((x) => x.result === "pass"));
        if (combo.some((x) => x.result === "fail")) expect(["Degraded", "Failing"]).toContain(status);
      }
    }
  });
});

/** A reader answering each metric with a fixed reading. */
const fixed = (readings: Record<string, MetricReading>) => (c: Criterion) => readings[c.metric] ?? { found: false as const, reason: "not seeded" };
const found = (value: number | boolean, latestAt: number, services?: string[]): MetricReading => ({ found: true, value, samples: 10, latestAt, services });

describe("evaluateRequirement() freshness", () => {
  it.each([
    { name: "probe data within three intervals passes", criteria: "availability(mlx) >= 99%", reading: found(100, NOW - 89_000, ["mlx"]), result: "pass" },
    { name: "probe data older than three intervals is unverified", criteria: "availability(mlx) >= 99%", reading: found(100, NOW - 91_000, ["mlx"]), result: "unverified" },
    { name: "stale failing probe data is unverified, not failed", criteria: "availability(mlx) >= 99%", reading: found(10, NOW - 10 * MIN, ["mlx"]), result: "unverified" },
    { name: "a service's own interval sets its limit", criteria: "latency.p95(ollama) < 1s", reading: found(5, NOW - 31_000, ["ollama"]), result: "unverified" },
    { name: "the slowest service of several sets the limit", criteria: "availability(ollama, slow) >= 99%", reading: found(100, NOW - 14 * MIN, ["ollama", "slow"]), result: "pass" },
    { name: "router data anywhere in its window counts", criteria: "router.success_rate >= 99% over 1h", reading: found(100, NOW - 59 * MIN), result: "pass" },
    { name: "no data is unverified", criteria: "router.success_rate >= 99%", reading: { found: false, reason: "no router requests in 1h" } as MetricReading, result: "unverified" },
    { name: "a boolean false fails", criteria: 'model.loaded(mlx, "m")', reading: found(false, NOW, ["mlx"]), result: "fail" },
  ])("evaluateRequirement(): $name", ({ criteria, reading, result }) => {
    const metric = criteria.split(/[ (]/)[0]!;
    const ev = evaluateRequirement({ id: "FR-1", title: "t", criteria }, fixed({ [metric]: reading }), { config: CONFIG, now: NOW });
    expect(ev.errors).toEqual([]);
    expect(ev.criteria[0]!.result).toBe(result);
    if (result === "unverified") expect(ev.status).not.toBe("Verified");
  });

  it("evaluateRequirement() is Invalid with the error's line:col when a criterion does not parse, and reads nothing", () => {
    let reads = 0;
    const ev = evaluateRequirement({ id: "FR-1", title: "t", criteria: "router.success_rate >= 99%\nrouter.overhed.p95 < 2ms" }, () => {
      reads++;
      return found(100, NOW);
    }, { config: CONFIG, now: NOW });
    expect(ev.status).toBe("Invalid");
    expect(ev.summary).toMatch(/line 2:1: unknown metric "router.overhed.p95"/);
    expect(reads).toBe(0);
  });

  it("evaluateRequirement() checks services against the config", () => {
    const ev = evaluateRequirement({ id: "FR-1", title: "t", criteria: "availability(mxl) >= 99%" }, fixed({}), { config: CONFIG, now: NOW });
    expect(ev.status).toBe("Invalid");
    expect(ev.errors[0]).toMatchObject({ line: 1, column: 14, message: expect.stringMatching(/did you mean "mlx"/) });
  });

  it("evaluateRequirement() shows the reading in the threshold's unit", () => {
    const ev = evaluateRequirement({ id: "FR-1", title: "t", criteria: "model.load_time(mlx) < 5s\nrouter.overhead.p95 < 2ms" }, fixed({ "model.load_time": found(3217, NOW), "router.overhead.p95": found(0.7345, NOW) }), { config: CONFIG, now: NOW });
    expect(ev.criteria.map((c) => [c.measured, c.threshold, c.result])).toEqual([
      ["3.22s", "< 5s", "pass"],
      ["0.735ms", "< 2ms", "pass"],
    ]);
    expect(ev.status).toBe("Verified");
  });
});

describe("evaluateRequirement() over a seeded store", () => {
  let store: ReturnType<typeof seededStore>;
  beforeEach(() => {
    store = seededStore();
  });
  afterEach(() => store.close());

  it("a criterion with only old data is unverified, never passed", async () => {
    // A day of perfect checks that stopped ten minutes ago: the 24h availability is 100 %, but stale.
    store.observations("mlx", NOW - 86_400_000, NOW - 10 * MIN, 30_000);
    const [ev] = await evaluateRequirements([{ id: "FR-2", title: "t", criteria: "availability(mlx) >= 99% over 24h" }], { store: store.db, config: CONFIG }, NOW);
    expect(ev!.criteria[0]).toMatchObject({ result: "unverified", measured: "100%", latestAt: NOW - 10 * MIN, reason: expect.stringMatching(/newest sample is 10m old; probe evidence must be under 1.5m old/) });
    expect(ev!.status).toBe("Unverified");
  });

  it("the same data read at its time passes", async () => {
    store.observations("mlx", NOW - 86_400_000, NOW - 10 * MIN, 30_000);
    const then = NOW - 10 * MIN;
    const [ev] = await evaluateRequirements([{ id: "FR-2", title: "t", criteria: "availability(mlx) >= 99% over 24h" }], { store: store.db, config: CONFIG }, then);
    expect(ev!.status).toBe("Verified");
  });
});
