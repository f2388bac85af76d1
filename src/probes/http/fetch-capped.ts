import type { ProbeContext } from "../probe-kind.ts";

/** Bodies past this are not read further: a probe must never hold a huge answer in memory. */
export const DEFAULT_BODY_CAP = 1024 * 1024;

export interface HttpReply {
  /** "GET /api/tags", for details. */
  label: string;
  status: number;
  contentType: string;
  body: Buffer;
  /** From sending the request to the last byte of the body, in ms. */
  latencyMs: number;
}

/** A request that produced no usable reply: refused, timed out, closed, or too large. */
export interface HttpFailure {
  label: string;
  problem: string;
  /** Set when an answer started but could not be read to the end. */
  latencyMs: number | null;
}

export type HttpOutcome = { ok: true; reply: HttpReply } | { ok: false; failure: HttpFailure };

export interface CappedRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string | FormData;
  /** Largest body read, in bytes. */
  cap?: number;
  /** Bearer token sent as `Authorization`. */
  apiKey?: string;
}

/** `base` may carry a path prefix and a trailing slash; `path` starts with "/". */
export function joinUrl(base: string, path: string): string {
  return base.replace(/\/+$/, "") + path;
}

/**
 * Sends one request through `ctx.fetch` under `ctx.signal` and reads at most `cap` bytes of the answer.
 * Never throws: every way the exchange can fail comes back as a failure with a one-line reason.
 */
export async function fetchCapped(ctx: ProbeContext, url: string, req: CappedRequest = {}): Promise<HttpOutcome> {
  const method = req.method ?? "GET";
  const label = `${method} ${pathOf(url)}`;
  const cap = req.cap ?? DEFAULT_BODY_CAP;
  const headers: Record<string, string> = { ...req.headers };
  if (req.apiKey) headers.authorization = `Bearer ${req.apiKey}`;
  const started = ctx.now();
  const send = () => ctx.fetch(url, { method, headers, body: req.body, signal: ctx.signal, redirect: "manual" });
  let res: Response;
  try {
    res = await sendPastStaleSockets(send, method === "GET" || method === "HEAD", ctx);
  } catch (err) {
    return { ok: false, failure: { label, problem: `${label}: ${describeFetchError(err, ctx.signal)}`, latencyMs: null } };
  }
  const fail = (problem: string): HttpOutcome => ({ ok: false, failure: { label, problem: `${label}: ${problem}`, latencyMs: ctx.now() - started } });
  const declared = Number(res.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > cap) {
    await res.body?.cancel().catch(() => undefined);
    return fail(`answered ${res.status} with a ${formatBytes(declared)} body, over the ${formatBytes(cap)} cap; not read`);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (res.body) {
    const reader = res.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        total += value.byteLength;
        if (total > cap) {
          await reader.cancel().catch(() => undefined);
          return fail(`answered ${res.status} with a body over the ${formatBytes(cap)} cap; stopped reading`);
        }
        chunks.push(value);
      }
    } catch (err) {
      return fail(`answered ${res.status}, then ${describeFetchError(err, ctx.signal)} while sending the body`);
    }
  }
  const reply: HttpReply = {
    label,
    status: res.status,
    contentType: res.headers.get("content-type") ?? "",
    body: Buffer.concat(chunks),
    latencyMs: ctx.now() - started,
  };
  return { ok: true, reply };
}

/** Each stale socket costs one failed attempt; the pool holds at most a few, one per earlier parallel request. */
const STALE_SOCKET_ATTEMPTS = 5;
/**
 * A stale socket fails at once; a server that dies while working on a synthesis or transcription fails later and
 * is not asked again. Reads are cheap, so a GET is sent again however long the failed attempt took.
 */
const STALE_SOCKET_MS = 1000;

/**
 * Pooled keep-alive sockets that the server has since closed fail at once, before any answer. Probe requests
 * have no side effects worth guarding (reads, a short synthesis or transcription), so they are sent again until
 * a fresh connection is used, and a restarted or stopped server is reported as such, not as "closed the connection".
 */
async function sendPastStaleSockets(send: () => Promise<Response>, cheap: boolean, ctx: ProbeContext): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    const started = ctx.now();
    try {
      return await send();
    } catch (err) {
      const immediate = cheap || ctx.now() - started < STALE_SOCKET_MS;
      if (attempt >= STALE_SOCKET_ATTEMPTS || !immediate || ctx.signal.aborted || !isStaleSocket(err)) throw err;
    }
  }
}

function isStaleSocket(err: unknown): boolean {
  const code = (err as { cause?: { code?: string } } | undefined)?.cause?.code;
  return code === "UND_ERR_SOCKET" || code === "ECONNRESET" || code === "EPIPE";
}

/** Turns undici's "fetch failed" into the reason underneath (refused, reset, closed, timed out). */
export function describeFetchError(err: unknown, signal?: AbortSignal): string {
  if (signal?.aborted) {
    const reason = signal.reason instanceof Error ? signal.reason.message : "aborted";
    return `no answer (${reason})`;
  }
  const cause = (err as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  const code = cause?.code ?? (err as { code?: string } | undefined)?.code;
  switch (code) {
    case "ECONNREFUSED":
      return "connection refused (nothing listening)";
    case "ECONNRESET":
      return "connection reset by the server";
    case "UND_ERR_SOCKET":
    case "EPIPE":
      return "the server closed the connection";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "host name not found";
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return "host unreachable";
    case "UND_ERR_HEADERS_TIMEOUT":
    case "UND_ERR_BODY_TIMEOUT":
      return "no answer (transport timeout)";
  }
  const message = cause?.message ?? (err instanceof Error ? err.message : String(err));
  return code ? `${message} (${code})` : message;
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${+(n / (1024 * 1024)).toFixed(1)} MiB`;
  if (n >= 1024) return `${+(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}

function pathOf(url: string): string {
  try {
    const u = new URL(url);
    return u.pathname + u.search;
  } catch {
    return url;
  }
}
