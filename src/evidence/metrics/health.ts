import { formatDuration } from "../../shared/duration.ts";
import { noData, type MetricDef, type MetricReading, type QueryContext } from "./metric.ts";
import { concat, numbers, percentile, serviceNames, windowText, yieldToLoop } from "./store-query.ts";

const TIMES_SQL = "SELECT at FROM observations WHERE service = ? AND at >= ? AND at <= ? ORDER BY at";

/**
 * The gaps between consecutive observations of each service in the window (every configured service, or the
 * ones named). A service with fewer than two observations in the window has no gap to measure: no data.
 */
function checkInterval(stat: "max" | "p95") {
  return async (ctx: QueryContext): Promise<MetricReading> => {
    const services = ctx.args.length > 0 ? [...ctx.args] : serviceNames(ctx.config);
    if (services.length === 0) return noData("no services in the config");
    const perService: Float64Array[] = [];
    let samples = 0;
    let worst = { service: "", gap: -1 };
    let stalest = Number.POSITIVE_INFINITY;
    for (const service of services) {
      await yieldToLoop();
      const times = numbers(ctx.db, TIMES_SQL, service, ctx.since, ctx.until);
      if (times.length < 2) return noData(`${times.length === 0 ? "no" : "one"} observation of ${service} ${windowText(ctx.since, ctx.until)}`, services);
      const gaps = new Float64Array(times.length - 1);
      for (let i = 1; i < times.length; i++) {
        const gap = times[i]! - times[i - 1]!;
        gaps[i - 1] = gap;
        if (gap > worst.gap) worst = { service, gap };
      }
      if (stat === "p95") perService.push(gaps);
      samples += gaps.length;
      stalest = Math.min(stalest, times[times.length - 1]!);
    }
    const value = stat === "max" ? worst.gap : percentile(concat(perService), 95);
    return {
      found: true,
      value,
      samples,
      latestAt: stalest,
      detail: `longest gap ${formatDuration(worst.gap)} (${worst.service}) over ${services.length} service(s)`,
      services,
    };
  };
}

export const HEALTH_METRICS: readonly MetricDef[] = [
  {
    name: "health.check_interval.max",
    description: "the longest gap between consecutive observations of any configured service (or of the services named)",
    unit: "time",
    args: [{ name: "service", kind: "service", optional: true, repeat: true }],
    defaultWindow: "1h",
    source: "probe",
    query: checkInterval("max"),
  },
  {
    name: "health.check_interval.p95",
    description: "p95 (nearest rank) of the gaps between consecutive observations of every configured service (or of the services named)",
    unit: "time",
    args: [{ name: "service", kind: "service", optional: true, repeat: true }],
    defaultWindow: "1h",
    source: "probe",
    query: checkInterval("p95"),
  },
];
