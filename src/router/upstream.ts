import http, { type IncomingMessage, type OutgoingHttpHeaders } from "node:http";
import https from "node:https";

export interface UpstreamTimeouts {
  connectMs: number;
  /** From the request sent to the response headers. */
  firstByteMs: number;
  /** Longest silence between two chunks of an answer. */
  idleMs: number;
}

/**
 * Why a backend request failed. `beforeFirstByte` failures may be retried on another backend: nothing has
 * reached the client yet, and the backend produced nothing.
 */
export type UpstreamErrorCode = "connect_failed" | "connect_timeout" | "first_byte_timeout" | "reset" | "idle_timeout" | "cut_short" | "too_large";

export class UpstreamError extends Error {
  constructor(
    readonly code: UpstreamErrorCode,
    message: string,
    readonly beforeFirstByte: boolean,
  ) {
    super(message);
    this.name = "UpstreamError";
  }
}

/** Where a backend is and the pooled connections to it. */
export interface UpstreamTarget {
  protocol: "http:" | "https:";
  hostname: string;
  port: number;
  /** Path prefix from the service URL, without a trailing slash. */
  basePath: string;
  agent: http.Agent;
  /** Sent with every request (authorisation). */
  headers: Readonly<Record<string, string>>;
}

/** A keep-alive agent: reusing connections is most of what makes a proxy hop cheap. */
export function createAgent(protocol: "http:" | "https:"): http.Agent {
  const options = { keepAlive: true, keepAliveMsecs: 30_000, maxSockets: 512, maxFreeSockets: 256, scheduling: "lifo" as const };
  return protocol === "https:" ? new https.Agent(options) : new http.Agent(options);
}

export function targetOf(url: URL, agent: http.Agent, headers: Record<string, string>): UpstreamTarget {
  const protocol = url.protocol === "https:" ? "https:" : "http:";
  return {
    protocol,
    hostname: url.hostname.replace(/^\[|\]$/g, ""),
    port: url.port ? Number(url.port) : protocol === "https:" ? 443 : 80,
    basePath: url.pathname.replace(/\/+$/, ""),
    agent,
    headers,
  };
}

export interface PendingUpstream {
  /** Resolves with the response once its headers arrive; rejects with an UpstreamError. */
  response: Promise<IncomingMessage>;
  /** Stops the request (the client left). */
  abort(): void;
}

/**
 * Sends one request with the connect and first-byte timeouts. A reused keep-alive socket skips the connect
 * phase. GET when `body` is undefined, else POST with a JSON body.
 */
export function sendUpstream(target: UpstreamTarget, path: string, body: Buffer | undefined, t: UpstreamTimeouts): PendingUpstream {
  const headers: OutgoingHttpHeaders = { ...target.headers, accept: "*/*" };
  if (body) {
    headers["content-type"] = "application/json";
    headers["content-length"] = body.length;
  }
  const req = (target.protocol === "https:" ? https : http).request({
    agent: target.agent,
    hostname: target.hostname,
    port: target.port,
    path: target.basePath + path,
    method: body ? "POST" : "GET",
    headers,
  });
  let timer: NodeJS.Timeout | undefined;
  let settled = false;
  const response = new Promise<IncomingMessage>((resolve, reject) => {
    const fail = (err: UpstreamError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(err);
      req.destroy();
    };
    const waitFirstByte = () => {
      clearTimeout(timer);
      timer = setTimeout(() => fail(new UpstreamError("first_byte_timeout", `no answer within ${t.firstByteMs} ms`, true)), t.firstByteMs);
    };
    req.once("socket", (socket) => {
      if ((socket as { connecting?: boolean }).connecting) {
        timer = setTimeout(() => fail(new UpstreamError("connect_timeout", `no connection within ${t.connectMs} ms`, true)), t.connectMs);
        socket.once("connect", waitFirstByte);
      } else waitFirstByte();
    });
    req.once("response", (res) => {
      if (settled) {
        res.destroy();
        return;
      }
      settled = true;
      clearTimeout(timer);
      resolve(res);
    });
    req.on("error", (err: NodeJS.ErrnoException) => {
      const code = err.code ?? "";
      const connect = code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "EHOSTUNREACH" || code === "ENETUNREACH" || code === "EAI_AGAIN";
      fail(new UpstreamError(connect ? "connect_failed" : "reset", connect ? `cannot connect (${code})` : `connection failed (${code || err.message})`, true));
    });
  });
  req.end(body);
  return {
    response,
    abort: () => {
      if (!settled) {
        settled = true;
        clearTimeout(timer);
      }
      req.destroy();
    },
  };
}

/** Reads a whole answer with the idle timeout and a size cap; rejects with an UpstreamError. */
export function readAll(res: IncomingMessage, idleMs: number, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (err?: UpstreamError) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (err) {
        res.destroy();
        reject(err);
      } else resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const timer = setTimeout(() => finish(new UpstreamError("idle_timeout", `answer stalled for ${idleMs} ms`, false)), idleMs);
    res.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) return finish(new UpstreamError("too_large", `answer over ${maxBytes} bytes`, false));
      chunks.push(chunk);
      timer.refresh();
    });
    res.on("end", () => finish());
    res.on("error", () => finish(new UpstreamError("cut_short", "the answer was cut short", false)));
    res.on("close", () => {
      if (!res.complete) finish(new UpstreamError("cut_short", "the answer was cut short", false));
    });
  });
}
