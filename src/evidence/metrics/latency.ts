import { noData, type MetricDef, type MetricReading, type QueryContext } from "./metric.ts";
import { FAILURE_STATUSES_SQL, percentile, prepared, windowText } from "./store-query.ts";

const LATENCY_SQL = `SELECT latency_ms, at FROM observations
  WHERE service = ? AND at >= ? AND at <= ? AND latency_ms IS NOT NULL AND status NOT IN ${FAILURE_STATUSES_SQL}`;

/** Percentile of the probe latency of one service, over the checks that reached it. */
function latencyPercentile(p: number) {
  return (ctx: QueryContext): MetricReading => {
    const service = ctx.args[0]!;
    const rows = prepared(ctx.db, LATENCY_SQL, "raw").all(service, ctx.since, ctx.until) as [number, number][];
    if (rows.length === 0) return noData(`no answered checks of ${service} ${windowText(ctx.since, ctx.until)}`, [service]);
    const values = new Float64Array(rows.length);
    let latest = 0;
    rows.forEach(([ms, at], i) => {
      values[i] = ms;
      if (at > latest) latest = at;
    });
    return { found: true, value: percentile(values, p), samples: rows.length, latestAt: latest, services: [service] };
  };
}

export const LATENCY_METRICS: readonly MetricDef[] = [50, 95, 99].map((p) => ({
  name: `latency.p${p}`,
  description: `p${p} (nearest rank) of the probe latency of the service, over checks that were not down or wrong-service`,
  unit: "time",
  args: [{ name: "service", kind: "service" }],
  defaultWindow: "1h",
  source: "probe",
  query: latencyPercentile(p),
}));
