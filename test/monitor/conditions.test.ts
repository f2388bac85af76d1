import { describe, expect, it } from "vitest";
import { ConfigSchema, type ServiceConfig } from "../../src/config/schema.ts";
import { downInfo, performanceReading, resourceReadings } from "../../src/monitor/conditions.ts";
import { formatWindow, healthCells } from "../../src/monitor/health-rollups.ts";
import { serviceNames } from "../../src/monitor/incidents/requirement-index.ts";
import { withRestarts, type IncidentDetail } from "../../src/monitor/incidents/incident-manager.ts";
import type { WindowStats } from "../../src/monitor/observation-store.ts";
import { percentile } from "../../src/monitor/percentile.ts";
import { formatModels } from "../../src/monitor/service-row.ts";
import { result } from "./helpers/monitor-harness.ts";

const [host, ollama] = ConfigSchema.parse({
  services: [
    { name: "host", kind: "host", thresholds: { memoryPct: 90, diskPct: 80 } },
    { name: "ollama", kind: "ollama" },
  ],
}).services as [ServiceConfig, ServiceConfig];

describe("resourceReadings()", () => {
  it.each<{ name: string; metrics: Record<string, number>; expected: string[][] }>([
    { name: "a reading over its threshold is a failure", metrics: { "memory.used_pct": 91 }, expected: [["memory", "failure"]] },
    { name: "a reading at its threshold is a failure", metrics: { "disk.used_pct": 80 }, expected: [["disk", "failure"]] },
    { name: "a reading under its threshold is a success", metrics: { "cpu.used_pct": 10 }, expected: [["cpu", "success"]] },
    { name: "GPU memory uses its default threshold", metrics: { "gpu.memory.used_pct": 96 }, expected: [["gpu-memory", "failure"]] },
    { name: "a missing reading is no event", metrics: {}, expected: [] },
    { name: "a reading that is not a number is no event", metrics: { "memory.used_pct": Number.NaN }, expected: [] },
  ])("$name", ({ metrics, expected }) => {
    expect(resourceReadings(host, result("up", { metrics })).map((r) => [r.aspect, r.event])).toEqual(expected);
  });

  it("reads nothing from a failed probe or a service without thresholds", () => {
    expect(resourceReadings(host, result("down", { metrics: { "memory.used_pct": 99 } }))).toEqual([]);
    expect(resourceReadings(ollama, result("up", { metrics: { "memory.used_pct": 99 } }))).toEqual([]);
  });
});

describe("performanceReading()", () => {
  const stats = (p95Ms: number | null): WindowStats => ({ service: "s", windowStart: 0, windowMs: 300_000, checks: 10, failures: 0, availability: 100, p50Ms: p95Ms, p95Ms, worstStatus: "up", worstDetail: "" });
  const config = { factor: 2, minMs: 50, minWindows: 6 };
  it.each([
    { name: "over factor × baseline and minMs is a failure", p95: 300, baseline: 100, windows: 10, expected: "failure" },
    { name: "at factor × baseline is a success", p95: 200, baseline: 100, windows: 10, expected: "success" },
    { name: "over the factor but by less than minMs is a success", p95: 5, baseline: 2, windows: 10, expected: "success" },
    { name: "too few baseline windows is nothing", p95: 900, baseline: 100, windows: 5, expected: null },
    { name: "no latency in the window is nothing", p95: null, baseline: 100, windows: 10, expected: null },
  ])("$name", ({ p95, baseline, windows, expected }) => {
    expect(performanceReading(stats(p95), { median: baseline, windows }, config)?.event ?? null).toBe(expected);
  });
});

describe("small pure helpers", () => {
  it.each([
    { name: "down", status: "down" as const, summary: "ollama is down: down for the test" },
    { name: "wrong-service", status: "wrong-service" as const, summary: "ollama is not the configured service: wrong-service for the test" },
    { name: "cold", status: "cold" as const, summary: "ollama is cold" },
  ])("downInfo() summarises $name", ({ status, summary }) => {
    expect(downInfo(ollama, result(status)).summary).toBe(summary);
  });

  it.each([
    { name: "loaded and available", models: { loaded: ["a", "b"], available: ["a", "b", "c"] }, text: "a, b (loaded; 3 available)" },
    { name: "only available", models: { loaded: [], available: ["a"] }, text: "none loaded; 1 available" },
    { name: "only loaded", models: { loaded: ["a"], available: [] }, text: "a (loaded)" },
    { name: "nothing", models: { loaded: [], available: [] }, text: "" },
  ])("formatModels() with $name", ({ models, text }) => {
    expect(formatModels(models)).toBe(text);
  });

  it.each([
    { cell: "mlx, ollama, lmstudio", names: ["mlx", "ollama", "lmstudio"] },
    { cell: "mlx;ollama\nwhisper", names: ["mlx", "ollama", "whisper"] },
    { cell: ["a", " b "], names: ["a", "b"] },
    { cell: null, names: [] },
  ])("serviceNames() splits $cell", ({ cell, names }) => {
    expect(serviceNames(cell)).toEqual(names);
  });

  it.each([
    { start: Date.parse("2026-11-25T10:00:00Z"), ms: 300_000, text: "2026-11-25 10:00–10:05 UTC" },
    { start: Date.parse("2026-11-25T10:00:30Z"), ms: 30_000, text: "2026-11-25 10:00:30–10:01:00 UTC" },
  ])("formatWindow() writes $text", ({ start, ms, text }) => {
    expect(formatWindow(start, ms)).toBe(text);
  });

  it("healthCells() leaves Worst detail empty for a window that was all up", () => {
    const cells = healthCells({ service: "s", windowStart: 0, windowMs: 60_000, checks: 2, failures: 0, availability: 100, p50Ms: 1.234, p95Ms: 15.6, worstStatus: "up", worstDetail: "ok" });
    expect(cells).toMatchObject({ "Worst detail": "", "Latency p50 ms": 1.2, "Latency p95 ms": 16, "Availability %": 100 });
  });

  it.each([
    { p: 50, expected: 3 },
    { p: 95, expected: 5 },
    { p: 0, expected: 1 },
    { p: 100, expected: 5 },
  ])("percentile() $p of 1..5 is $expected", ({ p, expected }) => {
    expect(percentile([5, 1, 4, 2, 3], p)).toBe(expected);
  });

  it("withRestarts() appends the last attempt to the summary", () => {
    const detail: IncidentDetail = { aspect: null, summary: "x is down", lastDetail: "", reminders: 0, restarts: [] };
    expect(withRestarts(detail)).toBe("x is down");
    const r = { at: Date.parse("2026-11-25T10:03:00Z"), attempt: 1, maxAttempts: 3, command: ["a"], ok: false, exitCode: null, signal: "SIGTERM", durationMs: 30_000, error: "timed out after 30000 ms", output: "" };
    expect(withRestarts({ ...detail, restarts: [r] })).toBe("x is down; restart 1/3 at 10:03:00Z: timed out after 30000 ms");
    expect(withRestarts({ ...detail, restarts: [{ ...r, ok: true, exitCode: 0, error: null }] })).toBe("x is down; restart 1/3 at 10:03:00Z: ok");
  });
});
