import { parseJsonList } from "../../store/parse-json-list.ts";
import { latestBenchmark } from "./benchmark.ts";
import { noData, type MetricDef, type MetricReading, type QueryContext } from "./metric.ts";
import { modelMatches } from "./model-matches.ts";
import { prepared, windowText } from "./store-query.ts";

const LATEST_OBSERVATION_SQL = `SELECT status, models_loaded, at FROM observations
  WHERE service = ? AND at >= ? AND at <= ? ORDER BY at DESC LIMIT 1`;

/** True when the service's newest observation lists the model among those loaded. */
function queryModelLoaded(ctx: QueryContext): MetricReading {
  const [service, model] = ctx.args as [string, string];
  const row = prepared(ctx.db, LATEST_OBSERVATION_SQL).get(service, ctx.since, ctx.until) as
    | { status: string; models_loaded: string; at: number }
    | undefined;
  if (!row) return noData(`no observations of ${service} ${windowText(ctx.since, ctx.until)}`, [service]);
  const loaded = parseJsonList(row.models_loaded);
  const match = loaded.find((m) => modelMatches(m, model));
  const detail = match
    ? `${service} has ${match} loaded`
    : `${service} is ${row.status}; loaded: ${loaded.length > 0 ? loaded.join(", ") : "none"}`;
  return { found: true, value: match !== undefined, samples: 1, latestAt: row.at, detail, services: [service] };
}

export const MODEL_METRICS: readonly MetricDef[] = [
  {
    name: "model.loaded",
    description: "true when the service's newest probe lists the model as loaded (a trailing path match counts, case ignored)",
    unit: "bool",
    args: [
      { name: "service", kind: "service" },
      { name: "model", kind: "model" },
    ],
    defaultWindow: "5m",
    source: "probe",
    query: queryModelLoaded,
  },
  {
    name: "model.load_time",
    description: "the newest benchmark's model load time (benchmarks.load_time_ms) for the service, optionally for one model",
    unit: "time",
    args: [
      { name: "service", kind: "service" },
      { name: "model", kind: "model", optional: true },
    ],
    defaultWindow: "24h",
    source: "benchmark",
    query: (ctx) => latestBenchmark(ctx, "load_time_ms"),
  },
];
