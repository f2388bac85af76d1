import { TrackerError } from "../../shared/errors.ts";

/** Why a call failed, sorted so the outbox knows whether retrying can help (STYLE.md section 4). */
export type AppFlowyErrorKind =
  | "network" // no answer: refused, reset, timed out
  | "server" // 5xx, or an app code that means "try later"
  | "rate-limited" // 429, with Retry-After when the server says
  | "bad-response" // an answer that is not the JSON envelope (a proxy page, garbage)
  | "auth" // login refused, token rejected
  | "not-found" // code -2, unknown workspace or grid
  | "permission" // code 1012: not a member, no seat, a guest
  | "invalid" // 400, code 1008 and other request errors
  | "too-large"; // 413, code 1016

/** AppFlowy app codes worth retrying (API.md 2.3): RetryLater, Internal (timeouts), Network, Unavailable, timeouts. */
export const RETRYABLE_APP_CODES: ReadonlySet<number> = new Set([-5, 1017, 1023, 1054, 1057, 1065]);

const RETRYABLE_KINDS: ReadonlySet<AppFlowyErrorKind> = new Set(["network", "server", "rate-limited", "bad-response"]);

export class AppFlowyError extends TrackerError {
  readonly kind: AppFlowyErrorKind;
  /** True when the same request may succeed later; false when only a person can fix it. */
  readonly retryable: boolean;
  /** How long the server asked us to wait, when it said. */
  readonly retryAfterMs: number | undefined;
  readonly status: number | undefined;
  /** The envelope's `code`, when there was one. */
  readonly appCode: number | undefined;
  /** e.g. "PUT /api/workspace/…/row". */
  readonly endpoint: string;

  constructor(
    kind: AppFlowyErrorKind,
    endpoint: string,
    message: string,
    extra: { status?: number; appCode?: number; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    const retryable = extra.appCode !== undefined ? RETRYABLE_APP_CODES.has(extra.appCode) : RETRYABLE_KINDS.has(kind);
    super(retryable ? "WORKSPACE_UNAVAILABLE" : "WORKSPACE_INVALID", `AppFlowy ${endpoint}: ${message}`, { cause: extra.cause });
    this.name = "AppFlowyError";
    this.kind = kind;
    this.retryable = retryable;
    this.retryAfterMs = extra.retryAfterMs;
    this.status = extra.status;
    this.appCode = extra.appCode;
    this.endpoint = endpoint;
  }
}

/** The kind an app code belongs to (codes from API.md 2.3). */
export function kindOfAppCode(code: number): AppFlowyErrorKind {
  if (RETRYABLE_APP_CODES.has(code)) return "server";
  if (code === -2 || code === -4 || code === 1040 || code === 1042) return "not-found";
  if (code === 1012 || code === 1024 || code === 1026 || code === 1027) return "permission";
  if (code === 1011) return "auth";
  if (code === 1016) return "too-large";
  return "invalid";
}

/** Retry-After as seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  const secs = Number(header);
  if (Number.isFinite(secs) && secs >= 0) return secs * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
