import { noData, type MetricDef, type MetricReading, type QueryContext } from "./metric.ts";
import { FAILURE_STATUSES_SQL, numbers, percentile, prepared, windowText } from "./store-query.ts";

const WHERE = `service = ? AND at >= ? AND at <= ? AND latency_ms IS NOT NULL AND status NOT IN ${FAILURE_STATUSES_SQL}`;

/** Percentile of the probe latency of one service, over the checks that reached it. */
function latencyPercentile(p: number) {
  return (ctx: QueryContext): MetricReading => {
    const service = ctx.args[0]!;
    const values = numbers(ctx.db, `SELECT latency_ms FROM observations WHERE ${WHERE}`, service, ctx.since, ctx.until);
    if (values.length === 0) return noData(`no answered checks of ${service} ${windowText(ctx.since, ctx.until)}`, [service]);
    const latest = prepared(ctx.db, `SELECT at FROM observations WHERE ${WHERE} ORDER BY at DESC LIMIT 1`, "pluck").get(service, ctx.since, ctx.until) as number;
    return { found: true, value: percentile(values, p), samples: values.length, latestAt: latest, services: [service] };
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
