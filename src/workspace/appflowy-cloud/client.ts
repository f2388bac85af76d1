import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { Logger } from "../../shared/logger.ts";
import { AppFlowyError, kindOfAppCode, parseRetryAfter, type AppFlowyErrorKind } from "./appflowy-error.ts";

export interface AppFlowyClientOptions {
  /** Base URL of the nginx front, e.g. https://appflowy.example.com. */
  url: string;
  email: string;
  password: string;
  /** Sent as `client-version` (API.md 2.4). */
  clientVersion: string;
  /** Sent as `device-id`; stable per tracker so the server sees one session. */
  deviceId?: string;
  fetch: typeof fetch;
  logger: Logger;
  now?: () => number;
  requestTimeoutMs?: number;
  /** After a refused login, how long further calls fail at once instead of asking GoTrue again (default 30 s). */
  authFailureHoldMs?: number;
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
}

const TokenSchema = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
  expires_in: z.number().optional(),
  expires_at: z.number().optional(),
  user: z.object({ id: z.string(), email: z.string().optional() }).passthrough().optional(),
});

const EnvelopeSchema = z.object({ code: z.number(), message: z.string().optional(), data: z.unknown().optional(), retry_after_secs: z.number().optional() });

interface Session {
  accessToken: string;
  refreshToken: string;
  /** ms since the epoch. */
  expiresAt: number;
  lifetimeMs: number;
}

/**
 * AppFlowy Cloud over HTTP: GoTrue password login with refresh before expiry (one refresh in flight, since refresh
 * tokens are single-use), first-login verify, and the `{code, message, data}` envelope turned into data or a typed
 * AppFlowyError. It does not retry: the outbox owns retries and backoff.
 */
export class AppFlowyClient {
  readonly baseUrl: string;
  readonly email: string;
  private readonly options: AppFlowyClientOptions;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly deviceId: string;
  private session: Session | undefined;
  /** Until when the server asked us to hold off (429/503 Retry-After): no request leaves before then. */
  private holdUntil = 0;
  /** A refused login, replayed to callers for a while so a queue of writes does not hammer GoTrue. */
  private authFailure: { err: unknown; until: number } | undefined;
  private authing: Promise<Session> | undefined;
  /** How many password logins and refreshes happened: for tests and check-workspace. */
  readonly counters = { logins: 0, refreshes: 0, verifies: 0 };

  constructor(options: AppFlowyClientOptions) {
    this.options = options;
    this.baseUrl = options.url.replace(/\/+$/, "");
    this.email = options.email;
    this.log = options.logger.child({ module: "appflowy-client" });
    this.now = options.now ?? Date.now;
    this.deviceId = options.deviceId ?? randomUUID();
  }

  /** Logs in if needed and returns the user id. */
  async login(): Promise<void> {
    await this.token();
  }

  /** Calls an `/api` endpoint and returns the envelope's `data` (undefined on void endpoints). */
  async api<T = unknown>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const token = await this.token();
    try {
      return await this.send<T>(method, path, options, token);
    } catch (err) {
      // Our clock may disagree with the server's: on a rejected token refresh once and try again.
      if (!(err instanceof AppFlowyError) || err.status !== 401) throw err;
      this.log.info({ endpoint: err.endpoint }, "token rejected, refreshing");
      return this.send<T>(method, path, options, await this.token(true));
    }
  }

  private async token(forceRefresh = false): Promise<string> {
    const s = this.session;
    if (s && !forceRefresh && this.now() + refreshMargin(s) < s.expiresAt) return s.accessToken;
    // One login or refresh at a time: concurrent callers share it (refresh tokens rotate and are single-use).
    if (!this.authing) {
      const stale = this.session;
      this.authing = (async () => {
        if (stale) {
          try {
            return await this.refresh(stale);
          } catch (err) {
            if (err instanceof AppFlowyError && err.retryable) throw err;
            this.log.warn({ err: (err as Error).message }, "refresh refused, logging in again");
          }
        }
        return this.passwordLogin();
      })().finally(() => {
        this.authing = undefined;
      });
    }
    const session = await this.authing;
    return session.accessToken;
  }

  private async passwordLogin(): Promise<Session> {
    if (this.authFailure && this.now() < this.authFailure.until) throw this.authFailure.err;
    let session: Session;
    try {
      session = await this.grant("password", { email: this.options.email, password: this.options.password });
    } catch (err) {
      if (err instanceof AppFlowyError && !err.retryable) this.authFailure = { err, until: this.now() + (this.options.authFailureHoldMs ?? 30_000) };
      throw err;
    }
    this.authFailure = undefined;
    this.counters.logins++;
    // A new GoTrue user has no AppFlowy user until verify; the call is idempotent (API.md 3.3).
    await this.send("GET", `/api/user/verify/${encodeURIComponent(session.accessToken)}`, {}, undefined, "GET /api/user/verify/[token]");
    this.counters.verifies++;
    this.session = session;
    this.log.info({ email: this.options.email, expiresInS: Math.round(session.lifetimeMs / 1000) }, "logged in to AppFlowy");
    return session;
  }

  private async refresh(stale: Session): Promise<Session> {
    const session = await this.grant("refresh_token", { refresh_token: stale.refreshToken });
    this.counters.refreshes++;
    this.session = session;
    this.log.debug({ expiresInS: Math.round(session.lifetimeMs / 1000) }, "token refreshed");
    return session;
  }

  private async grant(type: "password" | "refresh_token", body: Record<string, string>): Promise<Session> {
    const endpoint = `POST /gotrue/token?grant_type=${type}`;
    this.holdBack(endpoint);
    const res = await this.fetchRaw(endpoint, `${this.baseUrl}/gotrue/token?grant_type=${type}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const text = await readText(res, endpoint);
    if (!res.ok) {
      this.rethrowHolding(() =>
        throwHttp(endpoint, res, text, this.now(), (detail) =>
          type === "password" ? `login as ${this.options.email} refused: ${detail} (check workspace.email and workspace.password)` : `token refresh refused: ${detail}`,
        ),
      );
    }
    const parsed = TokenSchema.safeParse(parseJson(text));
    if (!parsed.success) throw new AppFlowyError("bad-response", endpoint, `not a GoTrue token response: ${snippet(text)}; is workspace.url the AppFlowy Cloud base URL?`, { status: res.status });
    const t = parsed.data;
    const now = this.now();
    const expiresAt = t.expires_at !== undefined ? t.expires_at * 1000 : now + (t.expires_in ?? 3600) * 1000;
    return { accessToken: t.access_token, refreshToken: t.refresh_token, expiresAt, lifetimeMs: Math.max(1000, expiresAt - now) };
  }

  private async send<T>(method: string, path: string, options: RequestOptions, token: string | undefined, label?: string): Promise<T> {
    const endpoint = label ?? `${method} ${path}`;
    const url = new URL(this.baseUrl + path);
    for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { "client-version": this.options.clientVersion, "device-id": this.deviceId, accept: "application/json" };
    if (token) headers.authorization = `Bearer ${token}`;
    if (options.body !== undefined) headers["content-type"] = "application/json";
    const started = this.now();
    this.holdBack(endpoint);
    const res = await this.fetchRaw(endpoint, url.toString(), { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
    const text = await readText(res, endpoint);
    this.log.debug({ endpoint, status: res.status, ms: this.now() - started }, "appflowy call");
    if (!res.ok) this.rethrowHolding(() => throwHttp(endpoint, res, text, this.now()));
    const envelope = EnvelopeSchema.safeParse(parseJson(text));
    if (!envelope.success) {
      throw new AppFlowyError("bad-response", endpoint, `answer is not the AppFlowy JSON envelope (${res.headers.get("content-type") ?? "no content-type"}): ${snippet(text)}`, {
        status: res.status,
      });
    }
    const { code, message, data, retry_after_secs } = envelope.data;
    if (code !== 0) {
      const kind: AppFlowyErrorKind = kindOfAppCode(code);
      throw new AppFlowyError(kind, endpoint, `code ${code}: ${message ?? "(no message)"}${hint(kind)}`, {
        status: res.status,
        appCode: code,
        retryAfterMs: retry_after_secs !== undefined ? retry_after_secs * 1000 : undefined,
      });
    }
    return data as T;
  }

  /** Fails at once, sending nothing, while a Retry-After is running: calls queued behind a 429 must not go out. */
  private holdBack(endpoint: string): void {
    const left = this.holdUntil - this.now();
    if (left > 0) throw new AppFlowyError("rate-limited", endpoint, `held back: the server asked to wait (Retry-After), ${left} ms left`, { retryAfterMs: left });
  }

  private rethrowHolding(fail: () => never): never {
    try {
      fail();
    } catch (err) {
      if (err instanceof AppFlowyError && err.retryAfterMs !== undefined) this.holdUntil = Math.max(this.holdUntil, this.now() + err.retryAfterMs);
      throw err;
    }
  }

  private async fetchRaw(endpoint: string, url: string, init: RequestInit): Promise<Response> {
    try {
      return await this.options.fetch(url, { ...init, signal: AbortSignal.timeout(this.options.requestTimeoutMs ?? 15_000) });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
      throw new AppFlowyError("network", endpoint, `no answer from ${this.baseUrl} (${cause}: ${(err as Error).message})`, { cause: err });
    }
  }
}

function refreshMargin(s: Session): number {
  // A minute before expiry, or a third of the lifetime for short-lived tokens.
  return Math.min(60_000, s.lifetimeMs / 3);
}

async function readText(res: Response, endpoint: string): Promise<string> {
  try {
    return await res.text();
  } catch (err) {
    throw new AppFlowyError("network", endpoint, `answer cut short (${(err as Error).message})`, { cause: err, status: res.status });
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return JSON.stringify(flat.length > 120 ? `${flat.slice(0, 120)}…` : flat);
}

function hint(kind: AppFlowyErrorKind): string {
  if (kind === "permission") return " (is the account a Member of the workspace, with a seat? guests cannot write)";
  if (kind === "not-found") return " (unknown workspace, grid or row, or a user not yet verified)";
  return "";
}

/** Turns a non-2xx answer into a typed error: 429/5xx retryable, 401/4xx terminal. */
function throwHttp(endpoint: string, res: Response, text: string, now: number, wrap: (detail: string) => string = (d) => d): never {
  const body = parseJson(text) as { error_description?: string; msg?: string; message?: string; error?: string } | undefined;
  const detail = body?.error_description ?? body?.msg ?? body?.message ?? body?.error ?? snippet(text);
  const status = res.status;
  const retryAfterMs = parseRetryAfter(res.headers.get("retry-after"), now);
  if (status === 429) throw new AppFlowyError("rate-limited", endpoint, `rate limited (HTTP 429${retryAfterMs !== undefined ? `, retry after ${retryAfterMs} ms` : ""})`, { status, retryAfterMs });
  if (status >= 500) throw new AppFlowyError("server", endpoint, `HTTP ${status}: ${snippet(text)}`, { status, retryAfterMs });
  if (status === 413) throw new AppFlowyError("too-large", endpoint, `HTTP 413: request body too large for the server (over 2 MiB JSON or the proxy's limit)`, { status });
  if (status === 401 || status === 403) throw new AppFlowyError("auth", endpoint, wrap(`HTTP ${status}: ${detail}`), { status });
  if (status === 404) throw new AppFlowyError("not-found", endpoint, wrap(`HTTP 404: ${detail}`), { status });
  if (status === 400 && body?.error === "invalid_grant") throw new AppFlowyError("auth", endpoint, wrap(detail), { status });
  throw new AppFlowyError("invalid", endpoint, wrap(`HTTP ${status}: ${detail}`), { status });
}
