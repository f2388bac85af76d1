import type { ServiceConfig } from "../config/schema.ts";
import { isFailure, type ProbeResult } from "../probes/probe-kind.ts";
import type { ConditionInfo } from "./incidents/incident-manager.ts";
import type { IncidentEvent } from "./incidents/transition.ts";
import type { WindowStats } from "./observation-store.ts";

/** The host resources the monitor watches: the probe's metric and the target's threshold field for each. */
export const RESOURCES = [
  { aspect: "memory", metric: "memory.used_pct", threshold: "memoryPct", label: "memory" },
  { aspect: "disk", metric: "disk.used_pct", threshold: "diskPct", label: "disk" },
  { aspect: "cpu", metric: "cpu.used_pct", threshold: "cpuPct", label: "CPU" },
  { aspect: "gpu-memory", metric: "gpu.memory.used_pct", threshold: "gpuMemoryPct", label: "GPU memory" },
] as const;

/** The service-down condition's reading for one probe result (pure). */
export function downInfo(service: ServiceConfig, result: ProbeResult): ConditionInfo {
  const summary = isFailure(result.status) ? `${service.name} is ${result.status === "down" ? "down" : "not the configured service"}: ${result.detail}` : `${service.name} is ${result.status}`;
  return { summary, detail: result.detail, severity: "critical" };
}

/**
 * One event per resource that the result measured and the target has a threshold for (pure). A target with
 * `thresholds` (the host kind) opts in; a missing reading (no GPU, a failed probe) is no event at all, so it
 * neither opens nor resolves anything.
 */
export function resourceReadings(service: ServiceConfig, result: ProbeResult): { aspect: string; event: IncidentEvent; info: ConditionInfo }[] {
  const thresholds = (service as { thresholds?: Record<string, unknown> }).thresholds;
  if (!thresholds || isFailure(result.status)) return [];
  const out = [];
  for (const r of RESOURCES) {
    const value = result.metrics[r.metric];
    const limit = thresholds[r.threshold];
    if (typeof value !== "number" || !Number.isFinite(value) || typeof limit !== "number") continue;
    const over = value >= limit;
    out.push({
      aspect: r.aspect,
      event: (over ? "failure" : "success") as IncidentEvent,
      info: {
        summary: `${service.name}: ${r.label} at ${value.toFixed(1)} % (threshold ${limit} %)`,
        detail: `${r.metric}=${value.toFixed(1)}`,
        severity: r.aspect === "disk" || r.aspect === "memory" ? "critical" : "warning",
      },
    });
  }
  return out as { aspect: string; event: IncidentEvent; info: ConditionInfo }[];
}

export interface DegradationConfig {
  factor: number;
  minMs: number;
  minWindows: number;
}

/**
 * Compares a closed window's p95 latency with the baseline, the median p95 of the previous 24 h of windows
 * (pure). Null when there is nothing to judge: no latency in the window, or too few windows for a baseline.
 */
export function performanceReading(
  stats: WindowStats,
  baseline: { median: number | null; windows: number },
  config: DegradationConfig,
): { event: IncidentEvent; info: ConditionInfo } | null {
  if (stats.p95Ms === null || baseline.median === null || baseline.windows < config.minWindows) return null;
  const limit = baseline.median * config.factor;
  const slow = stats.p95Ms > limit && stats.p95Ms - baseline.median >= config.minMs;
  const ratio = baseline.median > 0 ? stats.p95Ms / baseline.median : Infinity;
  return {
    event: slow ? "failure" : "success",
    info: {
      summary: `${stats.service}: p95 latency ${Math.round(stats.p95Ms)} ms, ${ratio.toFixed(1)}× its 24 h baseline of ${Math.round(baseline.median)} ms (alert over ${config.factor}×)`,
      detail: `p95=${Math.round(stats.p95Ms)}ms baseline=${Math.round(baseline.median)}ms windows=${baseline.windows}`,
      severity: "warning",
    },
  };
}
