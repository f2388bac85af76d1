import { TrackerError } from "../shared/errors.ts";

export interface RetryDecision {
  retry: boolean;
  /** How long the workspace asked us to wait (Retry-After), when it said. */
  afterMs?: number;
}

/**
 * Whether a failed send can succeed later. Adapters mark their errors (`retryable`, `retryAfterMs`, as
 * AppFlowyError does); a TrackerError says it through its code. Anything unknown is retried rather than
 * dropped: the backoff keeps it from looping hot.
 */
export function retryDecision(err: unknown): RetryDecision {
  const e = err as { retryable?: unknown; retryAfterMs?: unknown };
  if (typeof e?.retryable === "boolean") return { retry: e.retryable, afterMs: typeof e.retryAfterMs === "number" ? e.retryAfterMs : undefined };
  if (err instanceof TrackerError) return { retry: err.code === "WORKSPACE_UNAVAILABLE" };
  return { retry: true };
}

/** Exponential backoff with jitter, capped: attempt 1 waits about `baseMs`. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const raw = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(raw * (0.5 + random() * 0.5));
}
