// Evaluation time of the evidence engine: 100 requirements of 5 criteria each over a store holding 7 days of
// observations at the reference cadence (14 services every 30 s) and router runs at 1 req/s.
// Usage: node --import tsx scripts/bench/evidence.ts [runs]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import type { AppDeps } from "../../src/app-deps.ts";
import { referenceConfigText } from "../../src/config/load-config.ts";
import { parseConfig } from "../../src/config/parse-config.ts";
import { createEvidenceEngine } from "../../src/evidence/create-evidence-engine.ts";
import { evaluateRequirements } from "../../src/evidence/evaluate-requirements.ts";
import { parseCriteria } from "../../src/evidence/parse-criteria.ts";
import { readRequirements } from "../../src/evidence/read-requirements.ts";
import { LiveState } from "../../src/monitor/live-state.ts";
import { silentLogger } from "../../src/shared/logger.ts";
import { openStore, type Db } from "../../src/store/open-store.ts";
import { createWorkspace } from "../../src/workspace/create-workspace.ts";
import { DATABASES, REQUIREMENTS } from "../../src/workspace/databases.ts";
import { MemoryRecordWriter } from "../../src/workspace/memory-record-writer.ts";
import { prng } from "../../test/helpers/prng.ts";

const RUNS = Number(process.argv[2] ?? 7);
const DAY = 86_400_000;
const NOW = Date.parse("2026-01-10T12:00:00Z");
const START = NOW - 7 * DAY;

function seed(db: Db, services: { name: string; kind: string }[]): Record<string, number> {
  const rand = prng(42);
  const obs = db.prepare("INSERT INTO observations (service, kind, status, latency_ms, models_loaded, metrics, at) VALUES (?, ?, ?, ?, ?, ?, ?)");
  const run = db.prepare("INSERT INTO runs (type, backend, outcome, overhead_ms, upstream_ms, total_ms, audio_seconds, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  const bench = db.prepare("INSERT INTO benchmarks (run_id, service, model, metric, value, unit, at) VALUES (?, ?, ?, ?, ?, ?, ?)");
  const alert = db.prepare("INSERT INTO alerts (kind, service, channel, delivered, at) VALUES (?, ?, 'log', ?, ?)");
  const counts = { observations: 0, runs: 0, benchmarks: 0, alerts: 0 };
  const loaded = JSON.stringify(["mlx-community/Llama-3.2-3B-Instruct-4bit"]);
  db.transaction(() => {
    for (let t = START; t <= NOW; t += 30_000) {
      for (const s of services) {
        const status = rand() < 0.002 ? "down" : rand() < 0.01 ? "cold" : "up";
        const metrics = s.kind === "host" ? JSON.stringify({ "memory.used_pct": 50 + rand() * 30, "memory.available_mb": 4000 + rand() * 4000 }) : "{}";
        obs.run(s.name, s.kind, status, status === "down" ? null : 5 + rand() * 40, s.name === "mlx" ? loaded : "[]", metrics, t + Math.floor(rand() * 400));
        counts.observations++;
      }
    }
  })();
  const backends = ["mlx", "ollama", "lmstudio", "lfm2", "candle"];
  db.transaction(() => {
    for (let t = START; t <= NOW; t += 1000) {
      const ok = rand() < 0.995;
      run.run("chat", backends[Math.floor(rand() * backends.length)], ok ? "ok" : "error", 0.2 + rand() * 1.2, 50 + rand() * 400, 60 + rand() * 400, null, t);
      counts.runs++;
    }
    for (let t = START; t <= NOW; t += 60_000) {
      const audio = 2 + rand() * 8;
      run.run("voice", "mlx", rand() < 0.98 ? "ok" : "error", 1, audio * 400, audio * (300 + rand() * 400), audio, t);
      run.run("vision", "vision", rand() < 0.98 ? "ok" : "error", 1, 2000, 1500 + rand() * 6000, null, t + 30_000);
      counts.runs += 2;
    }
    for (let t = START, n = 0; t <= NOW; t += 3_600_000) {
      for (const s of backends) {
        for (const [metric, value] of [["load_time_ms", 2000 + rand() * 4000], ["tokens_per_s", 20 + rand() * 40], ["ttft_ms", 100 + rand() * 300], ["latency_p95_ms", 400 + rand() * 800]] as const) {
          bench.run(`run-${n++}`, s, null, metric, value, "", t);
          counts.benchmarks++;
        }
      }
    }
    for (let t = START; t <= NOW; t += DAY / 2) {
      alert.run("service_down", "candle", rand() < 0.9 ? 1 : 0, t);
      counts.alerts++;
    }
  })();
  return counts;
}

/** 100 requirements of 5 criteria, rotating metrics, services and windows so readings are shared only partly. */
function requirements(services: string[]): { id: string; criteria: string }[] {
  const llm = ["mlx", "ollama", "lmstudio", "lfm2", "candle"];
  const windows = ["5m", "1h", "24h", "7d"];
  const templates: ((svc: string, llmSvc: string, w: string) => string)[] = [
    (s, _l, w) => `availability(${s}) >= 99% over ${w}`,
    (s, _l, w) => `latency.p95(${s}) < 50ms over ${w}`,
    (_s, _l, w) => `router.overhead.p95 < 2ms over ${w}`,
    (_s, _l, w) => `router.success_rate >= 99% over ${w}`,
    (s, l, w) => `availability(${s}, ${l}) >= 99.5% over ${w}`,
    (_s, l) => `model.load_time(${l}) < 5s`,
    (_s, _l, w) => `pipeline.voice.rtf < 1 over ${w}`,
    (_s, _l, w) => `pipeline.vision.latency.p95 < 10s over ${w}`,
    (_s, _l, w) => `health.check_interval.max <= 35s over ${w === "5m" ? "1h" : w}`,
    (_s, l) => `benchmark.tokens_per_s(${l}) >= 20`,
    () => `model.loaded(mlx, "Llama-3.2-3B-Instruct-4bit")`,
    (_s, _l, w) => `router.overhead.p99 < 5ms over ${w}`,
    () => "host.memory.used_pct < 90%",
    () => "alerts.delivered(service_down) over 7d",
    (_s, _l, w) => `pipeline.voice.success_rate >= 95% over ${w}`,
    (_s, _l, w) => `router.availability >= 99% over ${w}`,
  ];
  return Array.from({ length: 100 }, (_, i) => ({
    id: `FR-${String(i + 1).padStart(3, "0")}`,
    criteria: Array.from({ length: 5 }, (_, j) => {
      const k = i * 5 + j;
      return templates[k % templates.length]!(services[(i + j) % services.length]!, llm[(i + 2 * j) % llm.length]!, windows[(i + 3 * j) % windows.length]!);
    }).join("\n"),
  }));
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number): string => `${x.toFixed(0)} ms`;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "ai-tracker-bench-evidence-"));
  try {
    const config = parseConfig(referenceConfigText().replace(/^dataDir: .*$/m, `dataDir: ${JSON.stringify(dir)}`).replace(/^  port: 4001/m, "  port: 0"), { source: "bench" });
    const db = openStore(join(dir, "tracker.sqlite"));
    let t0 = performance.now();
    const counts = seed(db, config.services.map((s) => ({ name: s.name, kind: s.kind })));
    console.log(`seeded ${config.services.length} services: ${JSON.stringify(counts)} in ${ms(performance.now() - t0)}`);

    const logger = silentLogger();
    const { workspace } = await createWorkspace({ config: config.workspace, dataDir: dir, mode: "serve", logger });
    for (const spec of DATABASES) await workspace.ensureDatabase(spec);
    const records = new MemoryRecordWriter(workspace, logger);
    const reqs = requirements(config.services.map((s) => s.name));
    for (const r of reqs) records.upsert(REQUIREMENTS.name, r.id, { seed: { ID: r.id, Title: `Requirement ${r.id}`, Criteria: r.criteria } });
    await records.flush();

    const distinct = new Set(reqs.flatMap((r) => parseCriteria(r.criteria).criteria.map((c) => `${c.metric}(${c.args.map((a) => a.value)}) ${c.windowMs}`)));
    console.log(`requirements: ${reqs.length} × 5 criteria; distinct metric readings (metric, args, window): ${distinct.size}`);

    let now = NOW;
    const deps: AppDeps = { config, logger, fetch, now: () => now, store: db, workspace, records, live: new LiveState() };
    const engine = createEvidenceEngine(deps);
    const inputs = await readRequirements(workspace);

    const pure: number[] = [];
    const pureCpu: number[] = [];
    const full: number[] = [];
    const flush: number[] = [];
    const blocks: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      now = NOW + i * 1000;
      t0 = performance.now();
      const cpu0 = process.cpuUsage();
      await evaluateRequirements(inputs, deps, now);
      pure.push(performance.now() - t0);
      const cpu = process.cpuUsage(cpu0);
      pureCpu.push((cpu.user + cpu.system) / 1000);

      const delay = monitorEventLoopDelay({ resolution: 1 });
      delay.enable();
      t0 = performance.now();
      const evaluations = await engine.evaluateAll();
      full.push(performance.now() - t0);
      delay.disable();
      blocks.push(delay.max / 1e6);
      t0 = performance.now();
      await records.flush();
      flush.push(performance.now() - t0);
      if (i === 0) {
        const tally: Record<string, number> = {};
        for (const e of evaluations) tally[e.status] = (tally[e.status] ?? 0) + 1;
        console.log(`statuses: ${JSON.stringify(tally)}`);
      }
    }
    console.log(`evaluation only (parse + store queries), median of ${RUNS}: ${ms(median(pure))} wall, ${ms(median(pureCpu))} CPU (min ${ms(Math.min(...pure))}, max ${ms(Math.max(...pure))} wall)`);
    console.log(`evaluateAll (read workspace, evaluate, store rows, queue writes), median of ${RUNS}: ${ms(median(full))} (first ${ms(full[0]!)})`);
    console.log(`longest event-loop block during evaluateAll, median of ${RUNS}: ${ms(median(blocks))}`);
    const later = flush.length > 1 ? `, then median ${ms(median(flush.slice(1)))}` : "";
    console.log(`workspace flush after evaluateAll: first ${ms(flush[0]!)} (cards and history rows)${later}`);
    await engine.stop();
    await records.close();
    await workspace.close();
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
