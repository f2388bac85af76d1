import type { z } from "zod";
import type { Logger } from "../shared/logger.ts";
import { probeResult } from "./shared/probe-result.ts";

/** What a probe found. `wrong-service` means something answered, but not the service configured there. */
export type ProbeStatus = "up" | "cold" | "degraded" | "down" | "wrong-service";

export const PROBE_STATUSES: readonly ProbeStatus[] = ["up", "cold", "degraded", "down", "wrong-service"];

/** Statuses in which the service can do its job now; `cold` is reachable but must load a model first. */
export function isServing(status: ProbeStatus): boolean {
  return status === "up" || status === "degraded";
}

/** Statuses that count as a failure for incidents and availability. */
export function isFailure(status: ProbeStatus): boolean {
  return status === "down" || status === "wrong-service";
}

export interface ProbeResult {
  status: ProbeStatus;
  /** Time to the answer that decided the status, in ms; null when nothing answered. */
  latencyMs: number | null;
  models: { loaded: string[]; available: string[] };
  version: string | null;
  /** One line for people: why the status is what it is. */
  detail: string;
  /** Every problem seen, deduplicated (Gatus `Result.errors`). */
  errors: string[];
  /** Numeric readings, e.g. `memory.used_pct`, `gpu.memory.used_pct`, `model.vram_mb`. */
  metrics: Record<string, number>;
}

export interface ProbeContext {
  fetch: typeof fetch;
  /** Aborted when the probe's own timeout runs out or the scheduler stops. */
  signal: AbortSignal;
  logger: Logger;
  /** Milliseconds since the epoch; injected so tests can move time. */
  now: () => number;
  timeoutMs: number;
}

export interface ProbeKind<T extends { kind: string }> {
  /** Equal to the folder name and the config `kind:` value. */
  readonly kind: T["kind"];
  /** The service entry's schema for this kind, with its defaults. */
  readonly schema: z.ZodType<T>;
  /** Probes the target once; may throw, `runProbe` turns that into a `down` result. */
  run(target: T, ctx: ProbeContext): Promise<ProbeResult>;
}

/** A result with the common fields filled, for probes to spread their findings over. */
export function emptyResult(status: ProbeStatus, detail: string): ProbeResult {
  return probeResult(status, detail);
}
