import http, { type ClientRequest, type IncomingMessage, type OutgoingHttpHeaders } from "node:http";
import https from "node:https";
import type { Socket } from "node:net";

export interface UpstreamTimeouts {
  connectMs: number;
  /** From sending the request to the response headers (a new connection's setup included). */
  firstByteMs: number;
  /** Longest silence between two chunks of an answer. */
  idleMs: number;
}

/**
 * Why a backend request failed. A failure before the response headers may be retried on another backend:
 * nothing has reached the client yet, and the backend produced nothing.
 */
export type UpstreamErrorCode = "cancelled" | "connect_failed" | "connect_timeout" | "first_byte_timeout" | "reset" | "idle_timeout" | "cut_short" | "too_large";

export class UpstreamError extends Error {
  constructor(
    readonly code: UpstreamErrorCode,
    message: string,
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

/**
 * A keep-alive agent: reusing connections is most of what makes a proxy hop cheap. The connect timeout lives
 * here, on the rare new connection, rather than on every request.
 */
export function createAgent(protocol: "http:" | "https:", connectMs: number): http.Agent {
  const options = { keepAlive: true, maxSockets: 512, maxFreeSockets: 256, scheduling: "lifo" as const };
  const agent = protocol === "https:" ? new https.Agent(options) : new http.Agent(options);
  const create = agent.createConnection.bind(agent) as (o: unknown, cb?: unknown) => Socket;
  (agent as unknown as { createConnection: typeof create }).createConnection = (o, cb) => {
    const socket = create(o, cb);
    const timer = setTimeout(() => socket.destroy(new UpstreamError("connect_timeout", `no connection within ${connectMs} ms`)), connectMs);
    socket.once(protocol === "https:" ? "secureConnect" : "connect", () => clearTimeout(timer));
    socket.once("close", () => clearTimeout(timer));
    return socket;
  };
  return agent;
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

// The request path avoids closures made per request (tsx names each one with Object.defineProperty): timers
// get module-level callbacks with the request as their argument, and state lives on a class.

/**
 * Sends one request: GET when `body` is undefined, else POST with a JSON body. The first-byte timeout runs from
 * here to the response headers (a new connection's setup included; the agent bounds that by the connect timeout).
 */
export function sendUpstream(target: UpstreamTarget, path: string, body: Buffer | undefined, t: UpstreamTimeouts): PendingUpstream {
  return new UpstreamRequest(target, path, body, t);
}

class UpstreamRequest implements PendingUpstream {
  readonly response: Promise<IncomingMessage>;
  private readonly req: ClientRequest;
  private readonly timer: NodeJS.Timeout;
  private settled = false;
  private resolve!: (res: IncomingMessage) => void;
  private reject!: (err: UpstreamError) => void;

  constructor(target: UpstreamTarget, path: string, body: Buffer | undefined, readonly t: UpstreamTimeouts) {
    this.response = new Promise<IncomingMessage>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    const headers: OutgoingHttpHeaders = body
      ? { ...target.headers, accept: "*/*", "content-type": "application/json", "content-length": body.length }
      : { ...target.headers, accept: "*/*" };
    this.req = (target.protocol === "https:" ? https : http).request({
      agent: target.agent,
      host: target.hostname,
      port: target.port,
      path: target.basePath + path,
      method: body ? "POST" : "GET",
      headers,
    });
    this.timer = setTimeout(firstByteTimedOut, t.firstByteMs, this);
    this.req.once("response", (res) => this.onResponse(res));
    this.req.on("error", (err) => this.onError(err));
    this.req.end(body);
  }

  abort(): void {
    this.fail(new UpstreamError("cancelled", "the client left"));
    this.req.destroy();
  }

  fail(err: UpstreamError): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    this.reject(err);
    this.req.destroy();
  }

  private onResponse(res: IncomingMessage): void {
    if (this.settled) {
      res.destroy();
      return;
    }
    this.settled = true;
    clearTimeout(this.timer);
    this.resolve(res);
  }

  private onError(err: NodeJS.ErrnoException): void {
    if (err instanceof UpstreamError) return this.fail(err);
    const code = err.code ?? "";
    const connect = code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "EHOSTUNREACH" || code === "ENETUNREACH" || code === "EAI_AGAIN";
    this.fail(new UpstreamError(connect ? "connect_failed" : "reset", connect ? `cannot connect (${code})` : `connection failed (${code || err.message})`));
  }
}

function firstByteTimedOut(r: UpstreamRequest): void {
  r.fail(new UpstreamError("first_byte_timeout", `no answer within ${r.t.firstByteMs} ms`));
}

/** Reads a whole answer with the idle timeout and a size cap; rejects with an UpstreamError. */
export function readAll(res: IncomingMessage, idleMs: number, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => new BodyReader(res, idleMs, maxBytes, resolve, reject));
}

class BodyReader {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private done = false;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly res: IncomingMessage,
    readonly idleMs: number,
    private readonly maxBytes: number,
    private readonly resolve: (body: Buffer) => void,
    private readonly reject: (err: UpstreamError) => void,
  ) {
    this.timer = setTimeout(bodyStalled, idleMs, this);
    res.on("data", (chunk: Buffer) => this.onData(chunk));
    res.on("end", () => this.finish());
    res.on("error", () => this.finish(new UpstreamError("cut_short", "the answer was cut short")));
    res.on("close", () => {
      if (!res.complete) this.finish(new UpstreamError("cut_short", "the answer was cut short"));
    });
  }

  finish(err?: UpstreamError): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.timer);
    if (err) {
      this.res.destroy();
      this.reject(err);
    } else this.resolve(this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.size));
  }

  private onData(chunk: Buffer): void {
    this.size += chunk.length;
    if (this.size > this.maxBytes) return this.finish(new UpstreamError("too_large", `answer over ${this.maxBytes} bytes`));
    this.chunks.push(chunk);
    this.timer.refresh();
  }
}

function bodyStalled(r: BodyReader): void {
  r.finish(new UpstreamError("idle_timeout", `answer stalled for ${r.idleMs} ms`));
}
