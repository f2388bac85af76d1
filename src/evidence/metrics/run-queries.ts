import { noData, type MetricReading, type QueryContext } from "./metric.ts";
import { numbers, percentile, prepared, windowText } from "./store-query.ts";

export type RunType = "chat" | "voice" | "vision";

/**
 * Outcomes that count: ok and error. A rejected request (4xx: the request itself was wrong) and one the client
 * cancelled say nothing about the tracker or its backends (router/run-recorder.ts).
 */
const COUNTED = "outcome IN ('ok', 'error')";

const RATE_SQL = `SELECT count(*) AS n, coalesce(sum(outcome = 'ok'), 0) AS ok, max(at) AS latest
  FROM runs WHERE type = ? AND at >= ? AND at <= ? AND ${COUNTED}`;

const RUN_NAMES: Record<RunType, string> = { chat: "router requests", voice: "voice pipeline runs", vision: "vision pipeline runs" };

/** % of runs of a type whose outcome was ok, out of those that were ok or failed. */
export function runSuccessRate(ctx: QueryContext, type: RunType): MetricReading {
  const r = prepared(ctx.db, RATE_SQL).get(type, ctx.since, ctx.until) as { n: number; ok: number; latest: number | null };
  if (r.n === 0 || r.latest === null) return noData(`no ${RUN_NAMES[type]} ${windowText(ctx.since, ctx.until)}`);
  return { found: true, value: (r.ok / r.n) * 100, samples: r.n, latestAt: r.latest, detail: `${r.n - r.ok} of ${r.n} failed` };
}

/**
 * Percentile of a per-run number. `valueSql` is a fixed expression over the runs columns (never user text);
 * `okOnly` leaves failed runs out, for latencies where a run that failed fast would flatter the figure.
 */
export function runPercentile(ctx: QueryContext, type: RunType, valueSql: string, p: number, okOnly: boolean): MetricReading {
  const where = `type = ? AND at >= ? AND at <= ? AND ${okOnly ? "outcome = 'ok'" : COUNTED} AND (${valueSql}) IS NOT NULL`;
  const values = numbers(ctx.db, `SELECT ${valueSql} FROM runs WHERE ${where}`, type, ctx.since, ctx.until);
  if (values.length === 0) return noData(`no ${okOnly ? "successful " : ""}${RUN_NAMES[type]} ${windowText(ctx.since, ctx.until)}`);
  const latest = prepared(ctx.db, `SELECT at FROM runs WHERE ${where} ORDER BY at DESC LIMIT 1`, "pluck").get(type, ctx.since, ctx.until) as number;
  return { found: true, value: percentile(values, p), samples: values.length, latestAt: latest };
}
