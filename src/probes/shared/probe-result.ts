import type { ProbeContext, ProbeResult, ProbeStatus } from "../probe-kind.ts";
import type { HttpFailure } from "../http/fetch-capped.ts";

/** A full result from a status, a detail and whatever the probe found. */
export function probeResult(status: ProbeStatus, detail: string, found: Partial<Omit<ProbeResult, "status" | "detail">> = {}): ProbeResult {
  return {
    status,
    detail,
    latencyMs: found.latencyMs ?? null,
    models: { loaded: found.models?.loaded ?? [], available: found.models?.available ?? [] },
    version: found.version ?? null,
    errors: [...new Set(found.errors ?? [])],
    metrics: found.metrics ?? {},
  };
}

/** The result for a request that got no usable answer. */
export function downFrom(failure: HttpFailure, extraErrors: string[] = []): ProbeResult {
  return probeResult("down", failure.problem, { latencyMs: failure.latencyMs, errors: [failure.problem, ...extraErrors] });
}

/**
 * An answer that took over half the probe's timeout is a warning sign: the next one may not come in time.
 * Returns the reason, or null when the answer was quick enough.
 */
export function slowness(latencyMs: number | null, ctx: ProbeContext): string | null {
  if (latencyMs === null || latencyMs <= ctx.timeoutMs / 2) return null;
  return `slow: answered in ${Math.round(latencyMs)} ms, over half of the ${ctx.timeoutMs} ms timeout`;
}

/** Applies `slowness` to an otherwise good result: up (or cold) stays, but degraded wins when slow. */
export function withSlowness(result: ProbeResult, ctx: ProbeContext): ProbeResult {
  const slow = slowness(result.latencyMs, ctx);
  if (!slow || result.status !== "up") return result;
  return { ...result, status: "degraded", detail: `${slow}; ${result.detail}`, errors: [...result.errors, slow] };
}
