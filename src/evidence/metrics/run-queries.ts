import { noData, type MetricReading, type QueryContext } from "./metric.ts";
import { concat, numbers, percentile, prepared, slices, windowText } from "./store-query.ts";

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
export async function runSuccessRate(ctx: QueryContext, type: RunType): Promise<MetricReading> {
  let n = 0;
  let ok = 0;
  let latest: number | null = null;
  for await (const [lo, hi] of slices(ctx.since, ctx.until)) {
    const r = prepared(ctx.db, RATE_SQL).get(type, lo, hi) as { n: number; ok: number; latest: number | null };
    n += r.n;
    ok += r.ok;
    if (r.latest !== null) latest = Math.max(latest ?? r.latest, r.latest);
  }
  if (n === 0 || latest === null) return noData(`no ${RUN_NAMES[type]} ${windowText(ctx.since, ctx.until)}`);
  return { found: true, value: (ok / n) * 100, samples: n, latestAt: latest, detail: `${n - ok} of ${n} failed` };
}

/**
 * Percentile of a per-run number. `valueSql` is a fixed expression over the runs columns (never user text);
 * `okOnly` leaves failed runs out, for latencies where a run that failed fast would flatter the figure.
 */
export async function runPercentile(ctx: QueryContext, type: RunType, valueSql: string, p: number, okOnly: boolean): Promise<MetricReading> {
  const where = `type = ? AND at >= ? AND at <= ? AND ${okOnly ? "outcome = 'ok'" : COUNTED} AND (${valueSql}) IS NOT NULL`;
  const parts: Float64Array[] = [];
  for await (const [lo, hi] of slices(ctx.since, ctx.until)) parts.push(numbers(ctx.db, `SELECT ${valueSql} FROM runs WHERE ${where}`, type, lo, hi));
  const values = concat(parts);
  if (values.length === 0) return noData(`no ${okOnly ? "successful " : ""}${RUN_NAMES[type]} ${windowText(ctx.since, ctx.until)}`);
  const latest = prepared(ctx.db, `SELECT at FROM runs WHERE ${where} ORDER BY at DESC LIMIT 1`, "pluck").get(type, ctx.since, ctx.until) as number;
  return { found: true, value: percentile(values, p), samples: values.length, latestAt: latest };
}
