/** What the monitor last said about a backend, as the balancer sees it. */
export type BackendHealth = "up" | "degraded" | "cold" | "unknown" | "down";

/** One backend that could serve a request, with what is known about it. */
export interface CandidateView {
  name: string;
  /** Position in router.backends: the tie-breaker. */
  order: number;
  /** 0 for the tier's own backends (or the only group), 1 for the others, tried after them. */
  group: number;
  health: BackendHealth;
  inFlight: number;
  /** EWMA time to first byte of successful answers, ms. */
  ewmaMs: number | undefined;
  /** Failures and requests over the breaker window. */
  failures: number;
  requests: number;
  /** The breaker is half-open: this would be its trial request. */
  halfOpen: boolean;
}

/** Used for a backend with no measurement yet when no other backend has one either. */
export const DEFAULT_PRIOR_MS = 100;

const HEALTH_FACTOR: Record<BackendHealth, number> = { up: 1, unknown: 1, degraded: 2, cold: 4, down: 8 };

/**
 * The expected cost of sending one more request to a backend: lower is better.
 *
 * latency × (1 + in flight) × health × error penalty. Latency comes from successes only, so the error penalty
 * must carry failures: a backend that fails in 1 ms would otherwise look like the fastest one there is. The
 * error rate is smoothed (failures / (requests + 2)) so one early failure does not count as 100 %.
 */
export function scoreCandidate(c: CandidateView, priorMs: number): number {
  const latency = c.ewmaMs ?? priorMs;
  const errorRate = c.failures / (c.requests + 2);
  const penalty = 1 + 50 * errorRate;
  return Math.max(latency, 0.01) * (1 + c.inFlight) * HEALTH_FACTOR[c.health] * penalty * (c.halfOpen ? 3 : 1);
}

/**
 * Orders candidates for the fallback loop: backends the monitor reports down go last (tried only when nothing
 * else answers), then the tier's own backends before the others, then by score, then by configured order.
 * Pure; returns a new array.
 */
export function rankCandidates<T extends CandidateView>(candidates: readonly T[]): T[] {
  let sum = 0;
  let known = 0;
  for (const c of candidates) {
    if (c.ewmaMs !== undefined) {
      sum += c.ewmaMs;
      known++;
    }
  }
  // An unmeasured backend is assumed a little better than average, so it gets tried once and measured
  // instead of being starved by whichever backend happened to answer first.
  const prior = known > 0 ? (0.5 * sum) / known : DEFAULT_PRIOR_MS;
  const scored = candidates.map((c) => ({ c, down: c.health === "down" ? 1 : 0, score: scoreCandidate(c, prior) }));
  scored.sort((a, b) => a.down - b.down || a.c.group - b.c.group || a.score - b.score || a.c.order - b.c.order);
  return scored.map((s) => s.c);
}
