import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startSimulator, type Simulator, type SimulatorKind } from "../../../scripts/simulators/index.ts";
import { ConfigSchema, type ServiceConfig } from "../../../src/config/schema.ts";
import { benchmarkPlan } from "../../../src/monitor/benchmarks/benchmark-plan.ts";
import { runBenchmarks } from "../../../src/monitor/benchmarks/run-benchmarks.ts";
import { LiveState } from "../../../src/monitor/live-state.ts";
import { BenchmarksConfigSchema } from "../../../src/monitor/monitor-config.ts";
import { silentLogger } from "../../../src/shared/logger.ts";
import { openStore, type Db } from "../../../src/store/open-store.ts";
import type { RecordWriter } from "../../../src/workspace/record-writer.ts";
import type { PageSpec, RowWrite } from "../../../src/workspace/workspace.ts";
import { tempDir } from "../../helpers/temp-dir.ts";
import { result } from "../helpers/monitor-harness.ts";

/** Keeps what would go to the workspace, for the test to read. */
class CollectingWriter implements RecordWriter {
  rows: { database: string; key: string; write: RowWrite }[] = [];
  upsert(database: string, key: string, write: RowWrite): void {
    this.rows.push({ database, key, write });
  }
  delete(database: string, key: string): void {
    this.rows = this.rows.filter((r) => r.database !== database || r.key !== key);
  }
  page(_page: PageSpec): void {}
  async flush(): Promise<void> {}
  async close(): Promise<void> {}
}

const services = (raw: unknown[]): ServiceConfig[] => ConfigSchema.parse({ services: raw }).services;

describe("runBenchmarks() against the simulators", () => {
  let dir: ReturnType<typeof tempDir>;
  let db: Db;
  let sims: Simulator[];
  let records: CollectingWriter;
  beforeEach(() => {
    dir = tempDir();
    db = openStore(join(dir.path, "tracker.sqlite"));
    sims = [];
    records = new CollectingWriter();
  });
  afterEach(async () => {
    for (const s of sims) await s.close();
    db.close();
    dir.remove();
  });

  async function sim(kind: SimulatorKind, options: Parameters<typeof startSimulator>[1] = {}): Promise<Simulator> {
    const s = await startSimulator(kind, { tokenDelayMs: 2, ...options });
    sims.push(s);
    return s;
  }

  function run(list: ServiceConfig[], live = new LiveState()) {
    return runBenchmarks({
      services: list,
      config: BenchmarksConfigSchema.parse({ requests: 3, timeout: "20s" }),
      fetch,
      logger: silentLogger(),
      now: () => Date.parse("2026-11-25T10:00:00.000Z"),
      store: db,
      records,
      live,
    });
  }

  it("measures Ollama with its native timings: latency, time to first token, tokens/s and load time", async () => {
    const s = await sim("ollama", { models: ["llama3.2:latest"], loaded: [], loadMs: 150 });
    const list = services([{ name: "ollama", kind: "ollama", url: s.url }]);
    const live = new LiveState();
    live.update(list[0]!, result("cold", { models: { loaded: [], available: ["llama3.2:latest"] } }), 0);
    const [r] = await run(list, live);
    expect(r!.error).toBeNull();
    expect(r!.model).toBe("llama3.2:latest");
    const m = Object.fromEntries(r!.measurements.map((x) => [x.metric, x]));
    expect(Object.keys(m).sort()).toEqual(["latency_p50_ms", "latency_p95_ms", "load_time_ms", "tokens_per_s", "ttft_ms"]);
    expect(m.load_time_ms!.value).toBeGreaterThanOrEqual(150);
    expect(m.tokens_per_s!.conditions).toContain("eval_count/eval_duration");
    expect(m.latency_p95_ms!.value).toBeGreaterThanOrEqual(m.latency_p50_ms!.value);
    const stored = db.prepare(`SELECT run_id, service, model, metric, unit FROM benchmarks ORDER BY metric`).all();
    expect(stored).toHaveLength(5);
    expect(stored[0]).toEqual({ run_id: "ollama-20261125T100000Z", service: "ollama", model: "llama3.2:latest", metric: "latency_p50_ms", unit: "ms" });
    expect(records.rows.map((x) => [x.database, x.key])).toContainEqual(["Benchmarks", "ollama-20261125T100000Z|tokens_per_s"]);
    expect(records.rows[0]!.write.set).toMatchObject({ Service: "ollama", Model: "llama3.2:latest", Time: "2026-11-25T10:00:00.000Z" });
  });

  it.each([
    { name: "mlx (client-side tokens/s)", kind: "mlx" as const, service: { kind: "mlx", models: ["mlx-community/Llama-3.2-3B-Instruct-4bit"] }, tokensFrom: "client-side" },
    { name: "llama.cpp (server timings)", kind: "llamacpp" as const, service: { kind: "llamacpp" }, tokensFrom: "timings.predicted_per_second" },
  ])("measures an OpenAI-compatible server: $name", async ({ kind, service, tokensFrom }) => {
    const s = await sim(kind, { models: ["mlx-community/Llama-3.2-3B-Instruct-4bit"], loaded: ["mlx-community/Llama-3.2-3B-Instruct-4bit"] });
    const list = services([{ name: "llm", url: s.url, ...service }]);
    const live = new LiveState();
    live.update(list[0]!, result("up", { models: { loaded: ["mlx-community/Llama-3.2-3B-Instruct-4bit"], available: [] } }), 0);
    const [r] = await run(list, live);
    expect(r!.error).toBeNull();
    const m = Object.fromEntries(r!.measurements.map((x) => [x.metric, x]));
    expect(Object.keys(m).sort()).toEqual(["latency_p50_ms", "latency_p95_ms", "tokens_per_s", "ttft_ms"]);
    expect(m.tokens_per_s!.conditions).toContain(tokensFrom);
    expect(m.tokens_per_s!.value).toBeGreaterThan(0);
  });

  it("estimates load time for an OpenAI-compatible server the probe saw cold", async () => {
    const s = await sim("openai-compatible", { models: ["m"], loaded: [], loadMs: 300 });
    const list = services([{ name: "llm", kind: "openai-compatible", url: s.url, models: ["m"] }]);
    const live = new LiveState();
    live.update(list[0]!, result("cold"), 0);
    const [r] = await run(list, live);
    const load = r!.measurements.find((x) => x.metric === "load_time_ms");
    expect(load?.conditions).toContain("estimated: first request");
    expect(load!.value).toBeGreaterThan(0);
  });

  it("measures whisper.cpp's real-time factor on a generated clip", async () => {
    const s = await sim("whisper");
    const list = services([{ name: "whisper", kind: "whisper", url: s.url, benchmark: {} }]);
    const [r] = await run(list);
    expect(r!.error).toBeNull();
    const rtf = r!.measurements.find((x) => x.metric === "rtf");
    expect(rtf).toMatchObject({ unit: "x" });
    expect(rtf!.value).toBeGreaterThan(0);
    expect(rtf!.conditions).toContain("3 s 16 kHz WAV, /inference");
  });

  it("records a failing benchmark as an error and still runs the next service", async () => {
    const bad = await sim("mlx", { models: ["m"], loaded: ["m"] });
    await bad.setMode("stream-error");
    const good = await sim("ollama", { models: ["llama3.2:latest"], loaded: ["llama3.2:latest"] });
    const list = services([
      { name: "bad", kind: "mlx", url: bad.url, models: ["m"] },
      { name: "good", kind: "ollama", url: good.url, models: ["llama3.2:latest"] },
    ]);
    const runs = await run(list);
    expect(runs.map((r) => [r.service, r.error === null])).toEqual([
      ["bad", false],
      ["good", true],
    ]);
    expect(runs[0]!.error).toMatch(/chat\/completions/);
    expect(db.prepare(`SELECT DISTINCT service FROM benchmarks`).all()).toEqual([{ service: "good" }]);
  });
});

describe("benchmarkPlan()", () => {
  const config = BenchmarksConfigSchema.parse({});
  const live = new LiveState();
  const list = services([
    { name: "ollama", kind: "ollama", models: ["llama3.2"] },
    { name: "off", kind: "ollama", models: ["x"], benchmark: { enabled: false } },
    { name: "generic", kind: "openai-compatible", url: "http://127.0.0.1:1" },
    { name: "candle-bin", kind: "candle", binary: "candle", benchmark: {} },
    { name: "whisper", kind: "whisper", url: "http://127.0.0.1:2" },
    { name: "whisper-bench", kind: "whisper", url: "http://127.0.0.1:3", benchmark: {} },
    { name: "dspy", kind: "process", match: "dspy", benchmark: {} },
    { name: "down", kind: "mlx", models: ["m"] },
  ]);
  live.update(list[7]!, result("down"), 0);

  it("plans the LLM services by default and the others only with a benchmark block", () => {
    const { targets, skipped } = benchmarkPlan(list, config, live);
    expect(targets.map((t) => [t.service.name, t.family, t.model])).toEqual([
      ["ollama", "ollama", "llama3.2"],
      ["whisper-bench", "speech", "whisper-1"],
    ]);
    expect(skipped).toEqual([
      { service: "generic", reason: "no model known yet (configure models: or wait for a probe)" },
      { service: "candle-bin", reason: "no url to send requests to" },
      { service: "dspy", reason: "no benchmark for kind process" },
      { service: "down", reason: "down at the last probe" },
    ]);
  });

  it("plans only services with a benchmark block when llmByDefault is off", () => {
    const { targets } = benchmarkPlan(list, BenchmarksConfigSchema.parse({ llmByDefault: false }), live);
    expect(targets.map((t) => t.service.name)).toEqual(["whisper-bench"]);
  });
});
