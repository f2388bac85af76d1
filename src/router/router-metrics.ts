import { Gauge, type Registry } from "prom-client";
import type { BackendSnapshot } from "./backend-pool.ts";

const BREAKER_PHASES = ["closed", "open", "half-open"] as const;

/**
 * The router's per-backend state on /metrics, read from its snapshot at scrape time (nothing on the request path).
 * Request counts and latencies per request live in the run records; these are the balancer's own inputs.
 */
export function registerRouterMetrics(registry: Registry, snapshot: () => BackendSnapshot[]): void {
  const gauge = (name: string, help: string, read: (b: BackendSnapshot) => number | null) =>
    new Gauge({
      name,
      help,
      labelNames: ["backend"],
      registers: [registry],
      collect() {
        this.reset();
        for (const b of snapshot()) {
          const v = read(b);
          if (v !== null) this.set({ backend: b.name }, v);
        }
      },
    });
  gauge("ai_tracker_router_backend_in_flight", "Requests in flight to the backend", (b) => b.inFlight);
  gauge("ai_tracker_router_backend_latency_ms", "EWMA time to first byte of the backend's successful answers (ms)", (b) => b.latencyMs);
  gauge("ai_tracker_router_backend_error_rate", "Failures / requests over the breaker window", (b) => b.errorRate);
  gauge("ai_tracker_router_backend_models", "Models the backend lists", (b) => b.models);
  new Gauge({
    name: "ai_tracker_router_backend_breaker",
    help: "1 for the breaker phase the backend is in",
    labelNames: ["backend", "phase"],
    registers: [registry],
    collect() {
      this.reset();
      for (const b of snapshot()) for (const phase of BREAKER_PHASES) this.set({ backend: b.name, phase }, b.breaker === phase ? 1 : 0);
    },
  });
}
