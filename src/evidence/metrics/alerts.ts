import { noData, type MetricDef, type MetricReading, type QueryContext } from "./metric.ts";
import { prepared, windowText } from "./store-query.ts";

const alertsSql = (webhooksOnly: boolean): string => `SELECT count(*) AS n, coalesce(sum(delivered <> 0), 0) AS delivered, max(at) AS latest
  FROM alerts WHERE kind = ? AND at >= ? AND at <= ?${webhooksOnly ? " AND channel <> 'log'" : ""}`;

/**
 * True when at least one alert of the kind reached the team in the window. With webhooks configured only they
 * count (every alert is also logged, which proves nothing about the path to people); without, the log does.
 * No alert at all proves nothing either way, so it is no data (unverified); attempts that all failed are false.
 */
function queryAlertsDelivered(ctx: QueryContext): MetricReading {
  const kind = ctx.args[0]!;
  const webhooks = ctx.config.alerts.webhooks.length > 0;
  const r = prepared(ctx.db, alertsSql(webhooks)).get(kind, ctx.since, ctx.until) as { n: number; delivered: number; latest: number | null };
  if (r.n === 0 || r.latest === null) return noData(`no ${kind} alert${webhooks ? " sent to a webhook" : ""} ${windowText(ctx.since, ctx.until)}`);
  const where = webhooks ? "by webhook" : "to the log (no webhooks configured)";
  return { found: true, value: r.delivered > 0, samples: r.n, latestAt: r.latest, detail: `${r.delivered} of ${r.n} ${kind} alert attempt(s) delivered ${where}` };
}

export const ALERT_METRICS: readonly MetricDef[] = [
  {
    name: "alerts.delivered",
    description: "true when at least one alert of the kind was delivered in the window, by webhook when webhooks are configured (no alert at all is no data)",
    unit: "bool",
    args: [{ name: "kind", kind: "alertKind" }],
    defaultWindow: "7d",
    source: "monitor",
    query: queryAlertsDelivered,
  },
];
