import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { ServiceConfig } from "../config/schema.ts";
import type { RouteHandler } from "../http/http-server.ts";
import { PROBE_STATUSES, isFailure, type ProbeResult } from "../probes/probe-kind.ts";
import type { Db } from "../store/open-store.ts";

const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export interface MonitorMetricsOptions {
  /** Read at scrape time for the open-incidents gauge. */
  store: Db;
  /** Process CPU, memory, event loop lag (prom-client defaults), prefixed ai_tracker_. */
  defaultMetrics?: boolean;
}

/** The monitor's Prometheus metrics, in a registry of the tracker's own (never prom-client's global one). */
export class MonitorMetrics {
  readonly registry = new Registry();
  private readonly up: Gauge<"service" | "kind">;
  private readonly status: Gauge<"service" | "kind" | "status">;
  private readonly latency: Histogram<"service">;
  private readonly duration: Histogram<"service">;
  private readonly probes: Counter<"service" | "status">;
  private readonly deliveries: Counter<"kind" | "channel" | "outcome">;

  constructor(options: MonitorMetricsOptions) {
    const registers = [this.registry];
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: "ai_tracker_", eventLoopMonitoringPrecision: 100 });
    this.up = new Gauge({ name: "ai_tracker_service_up", help: "1 when the service answered its last probe (up, cold or degraded), 0 when down or the wrong service", labelNames: ["service", "kind"], registers });
    this.status = new Gauge({ name: "ai_tracker_service_status", help: "1 for the status of the service's last probe, 0 for the others", labelNames: ["service", "kind", "status"], registers });
    this.latency = new Histogram({ name: "ai_tracker_probe_latency_seconds", help: "Time to the answer that decided the probe's status", labelNames: ["service"], buckets: SECONDS_BUCKETS, registers });
    this.duration = new Histogram({ name: "ai_tracker_probe_duration_seconds", help: "Wall time of one probe, timeouts included", labelNames: ["service"], buckets: SECONDS_BUCKETS, registers });
    this.probes = new Counter({ name: "ai_tracker_probes_total", help: "Probes run, by resulting status", labelNames: ["service", "status"], registers });
    this.deliveries = new Counter({ name: "ai_tracker_alert_deliveries_total", help: "Alert delivery attempts, by alert kind, channel and outcome", labelNames: ["kind", "channel", "outcome"], registers });
    const openIncidents = options.store.prepare(`SELECT kind, count(*) AS n FROM incidents WHERE status = 'open' GROUP BY kind`);
    new Gauge({
      name: "ai_tracker_incidents_open",
      help: "Incidents open now, by kind",
      labelNames: ["kind"],
      registers,
      collect() {
        this.reset();
        for (const kind of ["down", "resource", "performance"]) this.set({ kind }, 0);
        for (const row of openIncidents.all() as { kind: string; n: number }[]) this.set({ kind: row.kind }, row.n);
      },
    });
  }

  probe(service: ServiceConfig, result: ProbeResult, durationMs: number): void {
    this.up.set({ service: service.name, kind: service.kind }, isFailure(result.status) ? 0 : 1);
    for (const s of PROBE_STATUSES) this.status.set({ service: service.name, kind: service.kind, status: s }, s === result.status ? 1 : 0);
    if (result.latencyMs !== null && !isFailure(result.status)) this.latency.observe({ service: service.name }, result.latencyMs / 1000);
    this.duration.observe({ service: service.name }, durationMs / 1000);
    this.probes.inc({ service: service.name, status: result.status });
  }

  delivery(kind: string, channel: "log" | "webhook", delivered: boolean): void {
    this.deliveries.inc({ kind, channel, outcome: delivered ? "delivered" : "failed" });
  }

  /** Lets another concern (the router) add its collectors to this registry. */
  register(add: (registry: Registry) => void): void {
    add(this.registry);
  }

  /** GET /metrics in the Prometheus text format. */
  readonly handler: RouteHandler = async (req, res, url) => {
    if (url.pathname !== "/metrics" || (req.method !== "GET" && req.method !== "HEAD")) return false;
    const text = await this.registry.metrics();
    res.writeHead(200, { "content-type": this.registry.contentType, "content-length": Buffer.byteLength(text) });
    res.end(req.method === "HEAD" ? undefined : text);
    return true;
  };
}
