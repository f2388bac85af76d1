import { noData, type MetricDef, type MetricReading, type QueryContext } from "./metric.ts";
import { prepared, windowText } from "./store-query.ts";

/** The alert kinds the monitor records (store schema, alerts.kind). */
export const ALERT_KINDS = ["service_down", "resource", "performance", "requirement", "resolved", "reminder"] as const;

const ALERTS_SQL = `SELECT count(*) AS n, coalesce(sum(delivered <> 0), 0) AS delivered, max(at) AS latest
  FROM alerts WHERE kind = ? AND at >= ? AND at <= ?`;

/**
 * True when at least one alert of the kind reached its channel in the window. No alert at all proves nothing
 * about the alert path, so it is no data (unverified), not a failure; alerts that were all refused are a failure.
 */
function queryAlertsDelivered(ctx: QueryContext): MetricReading {
  const kind = ctx.args[0]!;
  const r = prepared(ctx.db, ALERTS_SQL).get(kind, ctx.since, ctx.until) as { n: number; delivered: number; latest: number | null };
  if (r.n === 0 || r.latest === null) return noData(`no ${kind} alert ${windowText(ctx.since, ctx.until)}`);
  return { found: true, value: r.delivered > 0, samples: r.n, latestAt: r.latest, detail: `${r.delivered} of ${r.n} ${kind} alert(s) delivered` };
}

export const ALERT_METRICS: readonly MetricDef[] = [
  {
    name: "alerts.delivered",
    description: "true when at least one alert of the kind was delivered in the window (no alert at all is no data)",
    unit: "bool",
    args: [{ name: "kind", kind: "alertKind" }],
    defaultWindow: "7d",
    source: "monitor",
    query: queryAlertsDelivered,
  },
];
