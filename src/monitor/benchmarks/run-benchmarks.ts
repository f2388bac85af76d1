import type { ServiceConfig } from "../../config/schema.ts";
import { prepared } from "../../evidence/metrics/store-query.ts";
import { parseDuration } from "../../shared/duration.ts";
import { errorMessage } from "../../shared/errors.ts";
import type { Logger } from "../../shared/logger.ts";
import type { Db } from "../../store/open-store.ts";
import { BENCHMARKS } from "../../workspace/databases.ts";
import type { RecordWriter } from "../../workspace/record-writer.ts";
import type { LiveState } from "../live-state.ts";
import type { BenchmarksConfig } from "../monitor-config.ts";
import { benchmarkPlan } from "./benchmark-plan.ts";
import type { BenchmarkFamily, BenchmarkRequestOptions, BenchmarkRun, BenchmarkTarget, Measurement } from "./benchmark-types.ts";
import { benchmarkOllama } from "./ollama-benchmark.ts";
import { benchmarkOpenAiChat } from "./openai-chat-benchmark.ts";
import { benchmarkSpeech } from "./speech-benchmark.ts";

export type { BenchmarkRun } from "./benchmark-types.ts";

export interface BenchmarkContext {
  services: readonly ServiceConfig[];
  config: BenchmarksConfig;
  fetch: typeof fetch;
  logger: Logger;
  now: () => number;
  store: Db;
  records: RecordWriter;
  live: LiveState;
  signal?: AbortSignal;
}

const RUNNERS: Record<BenchmarkFamily, (t: BenchmarkTarget, o: BenchmarkRequestOptions) => Promise<Measurement[]>> = {
  ollama: benchmarkOllama,
  "openai-chat": benchmarkOpenAiChat,
  speech: benchmarkSpeech,
};

/**
 * Benchmarks the planned services one after another (so they do not slow each other down) and writes each
 * measurement to the store's `benchmarks` table and the workspace's Benchmarks database, keyed `${runId}|${metric}`.
 * A service that fails is logged and skipped; the others still run.
 */
export async function runBenchmarks(ctx: BenchmarkContext): Promise<BenchmarkRun[]> {
  const log = ctx.logger.child({ module: "benchmarks" });
  const { targets, skipped } = benchmarkPlan(ctx.services, ctx.config, ctx.live);
  for (const s of skipped) log.info(s, "benchmark skipped");
  const insert = prepared(
    ctx.store,
    `INSERT OR REPLACE INTO benchmarks (run_id, service, model, metric, value, unit, conditions, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const runs: BenchmarkRun[] = [];
  for (const target of targets) {
    if (ctx.signal?.aborted) break;
    const at = ctx.now();
    const run: BenchmarkRun = { runId: runIdFor(target.service.name, at), service: target.service.name, model: target.model, at, measurements: [], error: null };
    try {
      run.measurements = await RUNNERS[target.family](target, {
        fetch: ctx.fetch,
        requests: ctx.config.requests,
        timeoutMs: parseDuration(ctx.config.timeout) ?? 120_000,
        signal: ctx.signal,
      });
    } catch (err) {
      run.error = errorMessage(err);
      log.warn({ service: run.service, model: run.model, err: run.error }, "benchmark failed");
    }
    for (const m of run.measurements) {
      const value = round(m.value);
      insert.run(run.runId, run.service, run.model, m.metric, value, m.unit, m.conditions, at);
      ctx.records.upsert(BENCHMARKS.name, `${run.runId}|${m.metric}`, {
        set: { Service: run.service, Model: run.model ?? "", Metric: m.metric, Value: value, Unit: m.unit, Time: new Date(at).toISOString(), Conditions: m.conditions },
      });
    }
    if (run.measurements.length > 0) log.info({ service: run.service, model: run.model, metrics: Object.fromEntries(run.measurements.map((m) => [m.metric, round(m.value)])) }, "benchmark done");
    runs.push(run);
  }
  return runs;
}

export function runIdFor(service: string, at: number): string {
  return `${service}-${new Date(at).toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z")}`;
}

function round(v: number): number {
  return Math.abs(v) >= 100 ? Math.round(v * 10) / 10 : Math.round(v * 1000) / 1000;
}
