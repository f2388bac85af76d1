import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigSchema, type Config } from "../../src/config/schema.ts";
import { createMetricReader } from "../../src/evidence/create-metric-reader.ts";
import type { MetricReading } from "../../src/evidence/metrics/metric.ts";
import { METRICS, createMetricRegistry } from "../../src/evidence/metrics/registry.ts";
import { slices } from "../../src/evidence/metrics/store-query.ts";
import { parseCriteria } from "../../src/evidence/parse-criteria.ts";
import { seededStore, type Seeder } from "./seed-store.ts";

const NOW = Date.parse("2026-01-10T12:00:00Z");
const MIN = 60_000;
const HOUR = 3_600_000;

export const CONFIG: Config = ConfigSchema.parse({
  services: [
    { name: "mlx", kind: "mlx", url: "http://127.0.0.1:8002" },
    { name: "ollama", kind: "ollama", url: "http://127.0.0.1:11434" },
    { name: "lmstudio", kind: "lmstudio", url: "http://127.0.0.1:5901" },
    { name: "box", kind: "host" },
  ],
  router: { backends: ["mlx", "ollama"] },
});

type Want = { value: number | boolean; samples?: number; latestAt?: number; detail?: RegExp } | { none: RegExp };

interface Case {
  name: string;
  criterion: string;
  config?: Config;
  seed: (s: Seeder) => void;
  want: Want;
}

/** 120 observations over the last hour, every 30 s, the newest at NOW. */
const lastHour = (s: Seeder, service: string, fill?: Parameters<Seeder["observations"]>[4]) => s.observations(service, NOW - HOUR + 30_000, NOW, 30_000, fill);

const CASES: Case[] = [
  {
    name: "availability() is the share of checks that did not fail",
    criterion: "availability(mlx) >= 99% over 1h",
    seed: (s) => lastHour(s, "mlx", (_at, i) => ({ status: i < 6 ? "down" : i < 12 ? "cold" : "up" })),
    want: { value: 95, samples: 120, latestAt: NOW, detail: /120 checks, 6 failed/ },
  },
  {
    name: "availability() counts wrong-service as a failure",
    criterion: "availability(mlx) >= 99% over 1h",
    seed: (s) => lastHour(s, "mlx", (_at, i) => ({ status: i < 12 ? "wrong-service" : "degraded" })),
    want: { value: 90 },
  },
  {
    name: "availability() of several services reports the worst and the stalest newest sample",
    criterion: "availability(mlx, ollama) >= 99% over 1h",
    seed: (s) => {
      lastHour(s, "mlx", (_at, i) => ({ status: i % 10 === 0 ? "down" : "up" }));
      s.observations("ollama", NOW - HOUR + 30_000, NOW - 5 * MIN, 30_000);
    },
    want: { value: 90, latestAt: NOW - 5 * MIN, detail: /worst mlx/ },
  },
  {
    name: "availability() has no data when one listed service has no observation in the window",
    criterion: "availability(mlx, lmstudio) >= 99% over 1h",
    seed: (s) => {
      lastHour(s, "mlx");
      s.observation({ service: "lmstudio", at: NOW - 2 * HOUR });
    },
    want: { none: /no observations of lmstudio in 1h/ },
  },
  {
    name: "latency.p50() is the median probe latency",
    criterion: "latency.p50(ollama) < 1s over 1h",
    seed: (s) => s.observations("ollama", NOW - 99 * 1000, NOW, 1000, (_at, i) => ({ latencyMs: 100 - i })),
    want: { value: 50, samples: 100 },
  },
  {
    name: "latency.p95() leaves out failed checks",
    criterion: "latency.p95(ollama) < 1s over 1h",
    seed: (s) => {
      s.observations("ollama", NOW - 99 * 1000, NOW, 1000, (_at, i) => ({ latencyMs: i + 1 }));
      s.observation({ service: "ollama", at: NOW - 500, status: "down", latencyMs: 99_999 });
    },
    want: { value: 95, samples: 100 },
  },
  {
    name: "latency.p99() over a window leaves older checks out",
    criterion: "latency.p99(ollama) < 1s over 5m",
    seed: (s) => {
      s.observations("ollama", NOW - 99 * 1000, NOW, 1000, (_at, i) => ({ latencyMs: i + 1 }));
      s.observation({ service: "ollama", at: NOW - 10 * MIN, latencyMs: 99_999 });
    },
    want: { value: 99 },
  },
  {
    name: "model.loaded() is true when the newest observation lists the model (path suffix, any case)",
    criterion: 'model.loaded(mlx, "llama-3.2-3b-instruct-4bit")',
    seed: (s) => {
      s.observation({ service: "mlx", at: NOW - 60_000, modelsLoaded: [] });
      s.observation({ service: "mlx", at: NOW - 1000, modelsLoaded: ["mlx-community/Llama-3.2-3B-Instruct-4bit"] });
    },
    want: { value: true, samples: 1, latestAt: NOW - 1000 },
  },
  {
    name: "model.loaded() is false when the newest observation has it unloaded",
    criterion: 'model.loaded(mlx, "Llama-3.2-3B-Instruct-4bit")',
    seed: (s) => {
      s.observation({ service: "mlx", at: NOW - 60_000, modelsLoaded: ["Llama-3.2-3B-Instruct-4bit"] });
      s.observation({ service: "mlx", at: NOW - 1000, status: "cold", modelsLoaded: ["other-model"] });
    },
    want: { value: false, detail: /mlx is cold; loaded: other-model/ },
  },
  {
    name: "model.loaded() does not match a model that merely ends the same way",
    criterion: 'model.loaded(mlx, "3B-Instruct-4bit")',
    seed: (s) => s.observation({ service: "mlx", at: NOW, modelsLoaded: ["Llama-3.2-3B-Instruct-4bit"] }),
    want: { value: false },
  },
  {
    name: "model.loaded() reads an unreadable models_loaded column as nothing loaded",
    criterion: 'model.loaded(mlx, "m")',
    seed: (s) => s.observation({ service: "mlx", at: NOW, modelsLoaded: "{not json" }),
    want: { value: false },
  },
  {
    name: "model.load_time() is the newest load_time_ms benchmark",
    criterion: "model.load_time(mlx) < 5s",
    seed: (s) => {
      s.benchmark({ service: "mlx", metric: "load_time_ms", value: 4000, at: NOW - 2 * HOUR });
      s.benchmark({ service: "mlx", metric: "load_time_ms", value: 6000, at: NOW - HOUR });
      s.benchmark({ service: "ollama", metric: "load_time_ms", value: 1, at: NOW });
    },
    want: { value: 6000, latestAt: NOW - HOUR },
  },
  {
    name: "model.load_time() with a model takes that model's newest",
    criterion: 'model.load_time(mlx, "a") < 5s',
    seed: (s) => {
      s.benchmark({ service: "mlx", metric: "load_time_ms", value: 4000, at: NOW - 2 * HOUR, model: "org/a" });
      s.benchmark({ service: "mlx", metric: "load_time_ms", value: 6000, at: NOW - HOUR, model: "b" });
    },
    want: { value: 4000 },
  },
  {
    name: "model.load_time() has no data outside its window",
    criterion: "model.load_time(mlx) < 5s over 1h",
    seed: (s) => s.benchmark({ service: "mlx", metric: "load_time_ms", value: 4000, at: NOW - 2 * HOUR }),
    want: { none: /no load_time_ms benchmark of mlx in 1h/ },
  },
  {
    name: "router.overhead.p95() is over chat runs only",
    criterion: "router.overhead.p95 < 2ms",
    seed: (s) => {
      for (let i = 1; i <= 100; i++) s.run({ type: "chat", at: NOW - i * 1000, overheadMs: i / 100, outcome: i % 7 ? "ok" : "error" });
      s.run({ type: "voice", at: NOW, overheadMs: 500 });
    },
    want: { value: 0.95, samples: 100, latestAt: NOW - 1000 },
  },
  {
    name: "router.overhead.p50() skips runs without an overhead",
    criterion: "router.overhead.p50 < 2ms",
    seed: (s) => {
      s.run({ type: "chat", at: NOW - 1000, overheadMs: 1 });
      s.run({ type: "chat", at: NOW - 2000, overheadMs: 3 });
      s.run({ type: "chat", at: NOW - 500, overheadMs: null });
    },
    want: { value: 1, samples: 2, latestAt: NOW - 1000 },
  },
  {
    name: "router.overhead.p99() is the 99th percentile",
    criterion: "router.overhead.p99 < 2ms over 5m",
    seed: (s) => {
      for (let i = 1; i <= 200; i++) s.run({ type: "chat", at: NOW - i * 1000, overheadMs: i });
    },
    want: { value: 198, samples: 200 },
  },
  {
    name: "router.overhead.p95() over a window read in several slices is exact",
    criterion: "router.overhead.p95 < 2ms over 7d",
    seed: (s) => {
      for (let i = 0; i < 1008; i++) s.run({ type: "chat", at: NOW - i * 10 * MIN, overheadMs: (i % 100) + 1 });
    },
    want: { value: 95, samples: 1008, latestAt: NOW },
  },
  {
    name: "router.success_rate() sums every slice of a long window",
    criterion: "router.success_rate >= 99% over 7d",
    seed: (s) => {
      for (let i = 0; i < 1000; i++) s.run({ type: "chat", at: NOW - 5 - i * 10 * MIN, outcome: i % 50 === 0 ? "error" : "ok" });
    },
    want: { value: 98, samples: 1000, latestAt: NOW - 5 },
  },
  {
    name: "router.success_rate() is the share of ok chat runs",
    criterion: "router.success_rate >= 99%",
    seed: (s) => {
      for (let i = 0; i < 50; i++) s.run({ type: "chat", at: NOW - i * 1000, outcome: i < 1 ? "error" : "ok" });
      s.run({ type: "vision", at: NOW, outcome: "error" });
    },
    want: { value: 98, samples: 50, detail: /1 of 50 failed/ },
  },
  {
    name: "router.success_rate() leaves out rejected and cancelled requests",
    criterion: "router.success_rate >= 99%",
    seed: (s) => {
      for (let i = 1; i <= 10; i++) s.run({ type: "chat", at: NOW - i * 1000, outcome: i < 10 ? "ok" : "error" });
      s.run({ type: "chat", at: NOW, outcome: "rejected" });
      s.run({ type: "chat", at: NOW, outcome: "cancelled" });
    },
    want: { value: 90, samples: 10, latestAt: NOW - 1000 },
  },
  {
    name: "router.success_rate() has no data without traffic in the window",
    criterion: "router.success_rate >= 99% over 5m",
    seed: (s) => s.run({ type: "chat", at: NOW - HOUR }),
    want: { none: /no router requests in 5m/ },
  },
  {
    name: "router.availability() counts the rounds in which every backend was down",
    criterion: "router.availability >= 99% over 1h",
    seed: (s) => {
      lastHour(s, "mlx", (_at, i) => ({ status: i < 12 ? "down" : "up" }));
      // Probed a few seconds after mlx in each round, as a real scheduler does.
      s.observations("ollama", NOW - HOUR + 30_000 + 7_000, NOW, 30_000, (_at, i) => ({ status: i < 6 || i >= 100 ? "down" : "cold" }));
    },
    want: { value: 95, samples: 120 },
  },
  {
    name: "router.availability() over a day counts each round once across slices",
    criterion: "router.availability >= 99% over 24h",
    seed: (s) => {
      s.observations("mlx", NOW - 24 * HOUR + 30_000, NOW, 30_000, (_at, i) => ({ status: i % 10 === 0 ? "down" : "up" }));
      s.observations("ollama", NOW - 24 * HOUR + 37_000, NOW, 30_000, () => ({ status: "down" }));
    },
    want: { value: 90, samples: 2880 },
  },
  {
    name: "router.availability() takes the backends named",
    criterion: "router.availability(mlx) >= 99% over 1h",
    seed: (s) => {
      lastHour(s, "mlx", (_at, i) => ({ status: i < 12 ? "down" : "up" }));
      lastHour(s, "ollama");
    },
    want: { value: 90 },
  },
  {
    name: "pipeline.voice.success_rate() counts voice runs",
    criterion: "pipeline.voice.success_rate >= 95%",
    seed: (s) => {
      for (let i = 0; i < 20; i++) s.run({ type: "voice", at: NOW - i * 1000, outcome: i < 2 ? "error" : "ok" });
    },
    want: { value: 90, samples: 20 },
  },
  {
    name: "pipeline.voice.rtf() is the p95 of total time over audio length for ok runs",
    criterion: "pipeline.voice.rtf < 1",
    seed: (s) => {
      for (let i = 1; i <= 20; i++) s.run({ type: "voice", at: NOW - i * 1000, totalMs: i * 100, audioSeconds: 1 });
      s.run({ type: "voice", at: NOW, outcome: "error", totalMs: 99_000, audioSeconds: 1 });
      s.run({ type: "voice", at: NOW, totalMs: 1000, audioSeconds: 0 });
    },
    want: { value: 1.9, samples: 20 },
  },
  {
    name: "pipeline.voice.latency.p95() is over successful runs",
    criterion: "pipeline.voice.latency.p95 < 5s",
    seed: (s) => {
      for (let i = 1; i <= 20; i++) s.run({ type: "voice", at: NOW - i * 1000, totalMs: i * 100 });
      s.run({ type: "voice", at: NOW, outcome: "error", totalMs: 99_000 });
    },
    want: { value: 1900, latestAt: NOW - 1000 },
  },
  {
    name: "pipeline.vision.success_rate() counts vision runs",
    criterion: "pipeline.vision.success_rate >= 95%",
    seed: (s) => {
      for (let i = 0; i < 4; i++) s.run({ type: "vision", at: NOW - i * 1000, outcome: i === 0 ? "error" : "ok" });
      s.run({ type: "voice", at: NOW, outcome: "ok" });
    },
    want: { value: 75 },
  },
  {
    name: "pipeline.vision.latency.p95() is the p95 of total_ms",
    criterion: "pipeline.vision.latency.p95 < 10s",
    seed: (s) => {
      for (let i = 1; i <= 40; i++) s.run({ type: "vision", at: NOW - i * 1000, totalMs: i * 250 });
    },
    want: { value: 9500 },
  },
  {
    name: "health.check_interval.max() is the longest gap of any configured service",
    criterion: "health.check_interval.max <= 30s over 1h",
    seed: (s) => {
      for (const svc of ["mlx", "ollama", "lmstudio", "box"]) lastHour(s, svc);
      s.db.prepare("DELETE FROM observations WHERE service = 'lmstudio' AND at IN (?, ?)").run(NOW - 30 * MIN, NOW - 30 * MIN + 30_000);
    },
    want: { value: 90_000, detail: /longest gap 1.5m \(lmstudio\) over 4 service/ },
  },
  {
    name: "health.check_interval.max() of the services named",
    criterion: "health.check_interval.max(mlx) <= 30s over 1h",
    seed: (s) => {
      s.observations("mlx", NOW - HOUR + 45_000, NOW, 45_000);
      s.observations("ollama", NOW - HOUR, NOW, 10 * MIN);
    },
    want: { value: 45_000 },
  },
  {
    name: "health.check_interval.max() has no data for a configured service never probed",
    criterion: "health.check_interval.max <= 30s over 1h",
    seed: (s) => {
      for (const svc of ["mlx", "ollama", "box"]) lastHour(s, svc);
    },
    want: { none: /no observation of lmstudio in 1h/ },
  },
  {
    name: "health.check_interval.p95() is over every gap",
    criterion: "health.check_interval.p95(mlx) <= 30s over 1h",
    seed: (s) => {
      let at = NOW - 59 * 40_000;
      for (let i = 0; i < 60; i++) {
        s.observation({ service: "mlx", at });
        at += i >= 57 ? 40_000 : 30_000;
      }
    },
    want: { value: 30_000, samples: 59 },
  },
  {
    name: "alerts.delivered() is true with one delivered alert of the kind",
    criterion: "alerts.delivered(service_down) over 7d",
    seed: (s) => {
      s.alert({ kind: "service_down", delivered: false, at: NOW - HOUR });
      s.alert({ kind: "service_down", delivered: true, at: NOW - 3 * 86_400_000 });
      s.alert({ kind: "service_down", delivered: true, at: NOW - 8 * 86_400_000 });
    },
    want: { value: true, samples: 2, latestAt: NOW - HOUR, detail: /1 of 2/ },
  },
  {
    name: "alerts.delivered() is false when every alert of the kind failed",
    criterion: "alerts.delivered(service_down) over 7d",
    seed: (s) => {
      s.alert({ kind: "service_down", delivered: false, at: NOW - HOUR });
      s.alert({ kind: "resource", delivered: true, at: NOW - HOUR });
    },
    want: { value: false, samples: 1 },
  },
  {
    name: "alerts.delivered() counts only webhook deliveries when webhooks are configured",
    criterion: "alerts.delivered(service_down) over 7d",
    config: { ...CONFIG, alerts: { ...CONFIG.alerts, webhooks: [{ url: "http://127.0.0.1:9/hook", format: "json", headers: {} }] } },
    seed: (s) => {
      s.alert({ kind: "service_down", delivered: true, at: NOW - HOUR });
      s.alert({ kind: "service_down", delivered: false, at: NOW - HOUR, channel: "webhook:127.0.0.1:9" });
      s.alert({ kind: "service_down", delivered: false, at: NOW - 2 * HOUR, channel: "webhook:127.0.0.1:9" });
    },
    want: { value: false, samples: 2, detail: /0 of 2 service_down alert attempt\(s\) delivered by webhook/ },
  },
  {
    name: "alerts.delivered() has no data without any alert of the kind",
    criterion: "alerts.delivered(service_down) over 7d",
    seed: (s) => s.alert({ kind: "resource", delivered: true, at: NOW - HOUR }),
    want: { none: /no service_down alert in 7d/ },
  },
  {
    name: "host.memory.used_pct() is the newest reading of the config's host, skipping checks without one",
    criterion: "host.memory.used_pct < 90%",
    seed: (s) => {
      s.observation({ service: "box", kind: "host", at: NOW - 60_000, metrics: { "memory.used_pct": 40 } });
      s.observation({ service: "box", kind: "host", at: NOW - 30_000, metrics: { "memory.used_pct": 71.5, "memory.available_mb": 4096 } });
      s.observation({ service: "box", kind: "host", at: NOW, status: "down", metrics: {} });
    },
    want: { value: 71.5, latestAt: NOW - 30_000 },
  },
  {
    name: "host.memory.available_mb() is the newest reading in MB",
    criterion: "host.memory.available_mb >= 1GB",
    seed: (s) => s.observation({ service: "box", kind: "host", at: NOW, metrics: { "memory.available_mb": 512 } }),
    want: { value: 512 },
  },
  {
    name: "host.memory.used_pct() has no data when the host sent no reading",
    criterion: "host.memory.used_pct < 90%",
    seed: (s) => s.observation({ service: "box", kind: "host", at: NOW, metrics: "garbage" }),
    want: { none: /no memory.used_pct reading from box/ },
  },
  {
    name: "benchmark.tokens_per_s() is the newest tokens_per_s",
    criterion: "benchmark.tokens_per_s(ollama) >= 20",
    seed: (s) => {
      s.benchmark({ service: "ollama", metric: "tokens_per_s", value: 31, at: NOW - 2 * HOUR });
      s.benchmark({ service: "ollama", metric: "tokens_per_s", value: 18.5, at: NOW - HOUR });
    },
    want: { value: 18.5 },
  },
  {
    name: "benchmark.ttft() is the newest ttft_ms",
    criterion: "benchmark.ttft(mlx) < 500ms",
    seed: (s) => s.benchmark({ service: "mlx", metric: "ttft_ms", value: 230, at: NOW - HOUR }),
    want: { value: 230 },
  },
  {
    name: "benchmark.latency.p95() is the newest latency_p95_ms",
    criterion: "benchmark.latency.p95(mlx) < 2s",
    seed: (s) => s.benchmark({ service: "mlx", metric: "latency_p95_ms", value: 1200, at: NOW - HOUR }),
    want: { value: 1200 },
  },
  {
    name: "benchmark.rtf() is the newest rtf",
    criterion: "benchmark.rtf(mlx) < 1",
    seed: (s) => s.benchmark({ service: "mlx", metric: "rtf", value: 0.42, at: NOW - HOUR }),
    want: { value: 0.42 },
  },
];

describe("metrics over a seeded store", () => {
  let store: ReturnType<typeof seededStore>;
  beforeEach(() => {
    store = seededStore();
  });
  afterEach(() => store.close());

  const readOne = async (criterion: string, config = CONFIG): Promise<MetricReading> => {
    const parsed = parseCriteria(criterion, { services: config.services.map((s) => s.name) });
    expect(parsed.errors).toEqual([]);
    return createMetricReader(store.db, config, NOW).load(parsed.criteria[0]!);
  };

  it.each(CASES)("$name", async ({ criterion, seed, want, config }) => {
    seed(store);
    const reading = await readOne(criterion, config);
    if ("none" in want) {
      expect(reading.found).toBe(false);
      if (!reading.found) expect(reading.reason).toMatch(want.none);
      return;
    }
    expect(reading.found, JSON.stringify(reading)).toBe(true);
    if (!reading.found) return;
    if (typeof want.value === "number") expect(reading.value).toBeCloseTo(want.value, 9);
    else expect(reading.value).toBe(want.value);
    if (want.samples !== undefined) expect(reading.samples).toBe(want.samples);
    if (want.latestAt !== undefined) expect(reading.latestAt).toBe(want.latestAt);
    if (want.detail) expect(reading.detail).toMatch(want.detail);
  });

  it("every registered metric has a case here", () => {
    const covered = new Set(CASES.map((c) => parseCriteria(c.criterion).criteria[0]!.metric));
    expect([...METRICS.keys()].filter((m) => !covered.has(m))).toEqual([]);
  });

  it("createMetricReader() turns a failing query into no data", async () => {
    store.db.exec("DROP TABLE runs");
    const reading = await readOne("router.success_rate >= 99%");
    expect(reading).toMatchObject({ found: false, reason: expect.stringMatching(/store query failed: .*runs/) });
  });
});

describe("slices()", () => {
  it.each([
    { name: "a window shorter than a slice", since: 1000, until: 5000, slice: 10_000, align: 1, want: [[1000, 5000]] },
    { name: "slices of equal length", since: 0, until: 29_999, slice: 10_000, align: 1, want: [[0, 9999], [10_000, 19_999], [20_000, 29_999]] },
    { name: "a last short slice", since: 5, until: 25, slice: 10, align: 1, want: [[5, 14], [15, 24], [25, 25]] },
    { name: "edges on bucket multiples", since: 7, until: 100, slice: 40, align: 30, want: [[7, 29], [30, 59], [60, 89], [90, 100]] },
    { name: "slices of several buckets", since: 7, until: 200, slice: 65, align: 30, want: [[7, 59], [60, 119], [120, 179], [180, 200]] },
  ])("slices() cuts $name", async ({ since, until, slice, align, want }) => {
    const got: [number, number][] = [];
    for await (const s of slices(since, until, slice, align)) got.push(s);
    expect(got).toEqual(want);
  });
});

describe("createMetricRegistry()", () => {
  const def = METRICS.get("router.success_rate")!;
  it.each([
    { name: "a duplicate name", defs: [def, def], error: /registered twice/ },
    { name: "a bad default window", defs: [{ ...def, defaultWindow: "soon" }], error: /bad default window/ },
    { name: "a bad name", defs: [{ ...def, name: "Router Success" }], error: /not a valid metric name/ },
    {
      name: "a repeating argument that is not last",
      defs: [{ ...def, args: [{ name: "a", kind: "service", repeat: true }, { name: "b", kind: "model" }] } as typeof def],
      error: /only the last argument may repeat/,
    },
  ])("createMetricRegistry() throws on $name", ({ defs, error }) => {
    expect(() => createMetricRegistry(defs)).toThrow(error);
  });
});

describe("src/evidence/README.md", () => {
  const readme = readFileSync(new URL("../../src/evidence/README.md", import.meta.url), "utf8");
  it.each([...METRICS.values()].map((m) => ({ name: m.name, def: m })))("documents $name with its default window and source", ({ name, def }) => {
    const family = name.replace(/\.[^.]+$/, "");
    const line = readme.split("\n").find((l) => l.startsWith(`| \`${name}`) || (l.startsWith(`| \`${family}.`) && l.includes(`\`.${name.slice(family.length + 1)}\``)));
    expect(line, `no table row for ${name}`).toBeDefined();
    expect(line).toContain(`| ${def.unit} | ${def.defaultWindow} | ${def.source} |`);
  });
});
