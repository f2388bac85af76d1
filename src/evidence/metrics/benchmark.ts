import { noData, type MetricDef, type MetricReading, type QueryContext } from "./metric.ts";
import { prepared, windowText } from "./store-query.ts";
import { modelMatches } from "./model-matches.ts";

const LATEST_SQL = `SELECT value, model, at FROM benchmarks
  WHERE service = ? AND metric = ? AND at >= ? AND at <= ? ORDER BY at DESC`;

/**
 * The newest benchmark result of a service for one benchmark metric (`load_time_ms`, `tokens_per_s`, …),
 * optionally for one model. A benchmark is already an aggregate of its run, so the newest one decides.
 */
export function latestBenchmark(ctx: QueryContext, metric: string): MetricReading {
  const [service, model] = ctx.args as [string, string | undefined];
  for (const row of prepared(ctx.db, LATEST_SQL).iterate(service, metric, ctx.since, ctx.until) as Iterable<{ value: number; model: string | null; at: number }>) {
    if (model !== undefined && !modelMatches(row.model ?? "", model)) continue;
    return { found: true, value: row.value, samples: 1, latestAt: row.at, detail: row.model ? `model ${row.model}` : undefined, services: [service] };
  }
  const what = model === undefined ? metric : `${metric} of ${model}`;
  return noData(`no ${what} benchmark of ${service} ${windowText(ctx.since, ctx.until)}`, [service]);
}

const SERVICE_AND_MODEL = [
  { name: "service", kind: "service" },
  { name: "model", kind: "model", optional: true },
] as const;

function benchmarkMetric(name: string, stored: string, unit: MetricDef["unit"], what: string): MetricDef {
  return {
    name,
    description: `the newest benchmark's ${what} (benchmarks.${stored}) for the service, optionally for one model`,
    unit,
    args: SERVICE_AND_MODEL,
    defaultWindow: "24h",
    source: "benchmark",
    query: (ctx) => latestBenchmark(ctx, stored),
  };
}

export const BENCHMARK_METRICS: readonly MetricDef[] = [
  benchmarkMetric("benchmark.tokens_per_s", "tokens_per_s", "rate", "generation speed in tokens/s"),
  benchmarkMetric("benchmark.ttft", "ttft_ms", "time", "time to first token"),
  benchmarkMetric("benchmark.latency.p95", "latency_p95_ms", "time", "p95 request latency"),
  benchmarkMetric("benchmark.rtf", "rtf", "ratio", "speech real-time factor (processing time / audio length)"),
];
