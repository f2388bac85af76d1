import { noData, type MetricDef, type MetricReading, type QueryContext } from "./metric.ts";
import { parseJson, prepared, windowText } from "./store-query.ts";

const BY_SERVICE_SQL = "SELECT metrics, at FROM observations WHERE service = ? AND at >= ? AND at <= ? ORDER BY at DESC";
const ANY_HOST_SQL = "SELECT service FROM observations WHERE kind = 'host' AND at >= ? AND at <= ? ORDER BY at DESC LIMIT 1";

/** The newest reading of `key` in a service's observation metrics, skipping checks that carried none. */
function latestReading(ctx: QueryContext, service: string, key: string): { value: number; at: number } | undefined {
  for (const row of prepared(ctx.db, BY_SERVICE_SQL).iterate(service, ctx.since, ctx.until) as Iterable<{ metrics: string; at: number }>) {
    const metrics = parseJson(row.metrics);
    const value = metrics && typeof metrics === "object" ? (metrics as Record<string, unknown>)[key] : undefined;
    if (typeof value === "number" && Number.isFinite(value)) return { value, at: row.at };
  }
  return undefined;
}

/**
 * The newest host reading of one probe metric. Hosts are the services named, else the config's host-kind
 * services, else whichever host observation is newest; with several, the worst one decides.
 */
function hostReading(key: string, worse: (a: number, b: number) => boolean) {
  return (ctx: QueryContext): MetricReading => {
    let hosts = ctx.args.length > 0 ? [...ctx.args] : ctx.config.services.filter((s) => s.kind === "host").map((s) => s.name);
    if (hosts.length === 0) {
      const any = prepared(ctx.db, ANY_HOST_SQL, "pluck").get(ctx.since, ctx.until) as string | undefined;
      if (!any) return noData(`no host observations ${windowText(ctx.since, ctx.until)}`);
      hosts = [any];
    }
    let worst: { host: string; value: number; at: number } | undefined;
    let stalest = Number.POSITIVE_INFINITY;
    for (const host of hosts) {
      const r = latestReading(ctx, host, key);
      if (!r) return noData(`no ${key} reading from ${host} ${windowText(ctx.since, ctx.until)}`, hosts);
      if (!worst || worse(r.value, worst.value)) worst = { host, ...r };
      stalest = Math.min(stalest, r.at);
    }
    return { found: true, value: worst!.value, samples: hosts.length, latestAt: stalest, detail: hosts.length > 1 ? `worst ${worst!.host}` : undefined, services: hosts };
  };
}

export const HOST_METRICS: readonly MetricDef[] = [
  {
    name: "host.memory.used_pct",
    description: "the newest host probe's memory.used_pct (the highest, with several hosts)",
    unit: "percent",
    args: [{ name: "host", kind: "service", optional: true, repeat: true }],
    defaultWindow: "5m",
    source: "probe",
    query: hostReading("memory.used_pct", (a, b) => a > b),
  },
  {
    name: "host.memory.available_mb",
    description: "the newest host probe's memory.available_mb (the lowest, with several hosts)",
    unit: "bytes",
    args: [{ name: "host", kind: "service", optional: true, repeat: true }],
    defaultWindow: "5m",
    source: "probe",
    query: hostReading("memory.available_mb", (a, b) => a < b),
  },
];
