import { serviceIntervalMs } from "../../monitor/service-interval.ts";
import { backendRegistry } from "../../router/backends/registry.ts";
import { roundSignificant } from "../units.ts";
import { noData, type MetricDef, type MetricReading, type QueryContext } from "./metric.ts";
import { FAILURE_STATUSES_SQL, SLICE_MS, prepared, slices, windowText } from "./store-query.ts";
import { runPercentile, runSuccessRate } from "./run-queries.ts";

/** Per bucket (probe round): whether any backend was not failing; then the share of such buckets. */
const roundsSql = (n: number): string => `SELECT count(*) AS rounds, coalesce(sum(ok), 0) AS up, max(latest) AS latest FROM (
    SELECT max(status NOT IN ${FAILURE_STATUSES_SQL}) AS ok, max(at) AS latest FROM observations
    WHERE service IN (${Array(n).fill("?").join(", ")}) AND at >= ? AND at <= ? GROUP BY CAST(at / ? AS INTEGER))`;

/**
 * % of probe rounds (buckets of the longest backend interval) in which at least one router backend was not
 * failing: whether the router had somewhere to send a request, with or without traffic.
 */
async function queryRouterAvailability(ctx: QueryContext): Promise<MetricReading> {
  const backends =
    ctx.args.length > 0 ? [...ctx.args] : (ctx.config.router.backends ?? ctx.config.services.filter((s) => backendRegistry.has(s.kind)).map((s) => s.name));
  if (backends.length === 0) return noData("no router backends in the config");
  const bucketMs = Math.max(...backends.map((b) => serviceIntervalMs(ctx.config.probe, ctx.config.services.find((s) => s.name === b))));
  const r = { rounds: 0, up: 0, latest: null as number | null };
  // Slice edges fall on bucket edges, so each round is counted in exactly one slice.
  for await (const [lo, hi] of slices(ctx.since, ctx.until, SLICE_MS, bucketMs)) {
    const part = prepared(ctx.db, roundsSql(backends.length)).get(...backends, lo, hi, bucketMs) as { rounds: number; up: number; latest: number | null };
    r.rounds += part.rounds;
    r.up += part.up;
    if (part.latest !== null) r.latest = Math.max(r.latest ?? part.latest, part.latest);
  }
  if (r.rounds === 0 || r.latest === null) return noData(`no observations of ${backends.join(", ")} ${windowText(ctx.since, ctx.until)}`, backends);
  const pct = (r.up / r.rounds) * 100;
  return {
    found: true,
    value: pct,
    samples: r.rounds,
    latestAt: r.latest,
    detail: `${r.rounds - r.up} of ${r.rounds} rounds with no backend up (${backends.join(", ")}); ${roundSignificant(pct)}%`,
    services: backends,
  };
}

const overhead = (p: number): MetricDef => ({
  name: `router.overhead.p${p}`,
  description: `p${p} (nearest rank) of the time the router itself adds to a request (runs.overhead_ms), over chat runs that were ok or failed (not rejected or cancelled)`,
  unit: "time",
  args: [],
  defaultWindow: "1h",
  source: "router",
  query: (ctx) => runPercentile(ctx, "chat", "overhead_ms", p, false),
});

export const ROUTER_METRICS: readonly MetricDef[] = [
  overhead(50),
  overhead(95),
  overhead(99),
  {
    name: "router.success_rate",
    description: "% of chat requests through the router whose outcome was ok, out of ok and error (rejected and cancelled ones left out)",
    unit: "percent",
    args: [],
    defaultWindow: "1h",
    source: "router",
    query: (ctx) => runSuccessRate(ctx, "chat"),
  },
  {
    name: "router.availability",
    description: "% of probe rounds in which at least one router backend (router.backends, or the ones named) was not down",
    unit: "percent",
    args: [{ name: "backend", kind: "service", optional: true, repeat: true }],
    defaultWindow: "24h",
    source: "probe",
    query: queryRouterAvailability,
  },
];
