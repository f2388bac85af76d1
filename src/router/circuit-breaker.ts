/** closed: requests flow; open: none until the cool-down ends; half-open: one trial request decides. */
export type BreakerPhase = "closed" | "open" | "half-open";

export interface BreakerState {
  phase: BreakerPhase;
  /** Failures since the last success. */
  consecutiveFailures: number;
  /** When the breaker last opened, ms. */
  openedAt: number;
  /** Half-open: whether the one trial request is out. */
  trialInFlight: boolean;
}

export interface BreakerSettings {
  /** Failures in a row that open the breaker. */
  failures: number;
  /** Error rate over the window that opens it... */
  errorRate: number;
  /** ...once the window holds at least this many requests. */
  minRequests: number;
  cooldownMs: number;
}

/** What happened; a result carries the backend's error rate over the window, counted by the caller. */
export type BreakerEvent =
  | { type: "request" }
  | { type: "success" }
  /** A request that proved nothing either way (the client left, the request was refused as bad). */
  | { type: "neutral" }
  | { type: "failure"; windowErrorRate: number; windowRequests: number };

export const CLOSED: BreakerState = Object.freeze({ phase: "closed", consecutiveFailures: 0, openedAt: 0, trialInFlight: false });

/** Whether a request may go to the backend now: closed, or half-open (cool-down over) with no trial out yet. */
export function canPass(s: BreakerState, now: number, cfg: BreakerSettings): boolean {
  if (s.phase === "closed") return true;
  if (s.phase === "open") return now - s.openedAt >= cfg.cooldownMs;
  return !s.trialInFlight;
}

/**
 * The breaker's one transition function. Pure: the state is never mutated, an unchanged state is returned as
 * the same object, and time comes in as `now`.
 */
export function nextBreaker(s: BreakerState, ev: BreakerEvent, now: number, cfg: BreakerSettings): BreakerState {
  switch (ev.type) {
    case "request":
      // The first request after the cool-down is the trial; the rest wait for its verdict.
      if (s.phase === "open" && now - s.openedAt >= cfg.cooldownMs) return { ...s, phase: "half-open", trialInFlight: true };
      if (s.phase === "half-open" && !s.trialInFlight) return { ...s, trialInFlight: true };
      return s;
    case "success":
      return s.phase === "closed" && s.consecutiveFailures === 0 ? s : CLOSED;
    case "neutral":
      return s.phase === "half-open" && s.trialInFlight ? { ...s, trialInFlight: false } : s;
    case "failure": {
      const consecutiveFailures = s.consecutiveFailures + 1;
      if (s.phase === "half-open") return { phase: "open", consecutiveFailures, openedAt: now, trialInFlight: false };
      if (s.phase === "open") return { ...s, consecutiveFailures };
      const tripped = consecutiveFailures >= cfg.failures || (ev.windowRequests >= cfg.minRequests && ev.windowErrorRate >= cfg.errorRate);
      return tripped ? { phase: "open", consecutiveFailures, openedAt: now, trialInFlight: false } : { ...s, consecutiveFailures };
    }
    default: {
      const never: never = ev;
      throw new Error(`unknown breaker event ${JSON.stringify(never)}`);
    }
  }
}
