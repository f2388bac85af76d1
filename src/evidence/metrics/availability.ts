import { roundSignificant } from "../units.ts";
import { noData, type MetricDef, type MetricReading, type QueryContext } from "./metric.ts";
import { FAILURE_STATUSES_SQL, prepared, windowText, yieldToLoop } from "./store-query.ts";

const COUNT_SQL = `SELECT count(*) AS n, coalesce(sum(status IN ${FAILURE_STATUSES_SQL}), 0) AS failures, max(at) AS latest
  FROM observations WHERE service = ? AND at >= ? AND at <= ?`;

interface Count {
  n: number;
  failures: number;
  latest: number | null;
}

/** Share of probe checks per service that were not a failure (down, wrong-service); the worst service decides. */
async function queryAvailability(ctx: QueryContext): Promise<MetricReading> {
  const stmt = prepared(ctx.db, COUNT_SQL);
  const per: { service: string; pct: number; n: number; failures: number; latest: number }[] = [];
  for (const service of ctx.args) {
    await yieldToLoop();
    const c = stmt.get(service, ctx.since, ctx.until) as Count;
    if (c.n === 0 || c.latest === null) return noData(`no observations of ${service} ${windowText(ctx.since, ctx.until)}`, [...ctx.args]);
    per.push({ service, pct: ((c.n - c.failures) / c.n) * 100, n: c.n, failures: c.failures, latest: c.latest });
  }
  const worst = per.reduce((a, b) => (b.pct < a.pct ? b : a));
  const detail =
    per.length === 1
      ? `${worst.n} checks, ${worst.failures} failed`
      : `${per.some((p) => p.pct !== worst.pct) ? `worst ${worst.service}: ` : ""}${per.map((p) => `${p.service} ${roundSignificant(p.pct)}%`).join(", ")}`;
  return {
    found: true,
    value: worst.pct,
    samples: per.reduce((s, p) => s + p.n, 0),
    // The stalest service decides freshness: every listed service must have recent evidence.
    latestAt: Math.min(...per.map((p) => p.latest)),
    detail,
    services: [...ctx.args],
  };
}

export const AVAILABILITY_METRICS: readonly MetricDef[] = [
  {
    name: "availability",
    description: "% of probe checks that were not down or wrong-service, per service; every listed service must meet it (the worst is reported)",
    unit: "percent",
    args: [{ name: "service", kind: "service", repeat: true }],
    defaultWindow: "24h",
    source: "probe",
    query: queryAvailability,
  },
];
