import type { IncomingMessage, ServerResponse } from "node:http";
import type { Reply } from "./types.ts";

/** Request bodies above this are refused with 413: audio uploads fit, runaway clients do not. */
export const MAX_BODY_BYTES = 64 * 1024 * 1024;

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request body over ${limit} bytes`);
    this.name = "BodyTooLargeError";
  }
}

export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLargeError(limit));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** Parses a JSON body; `error` is the parser's message, for the server's own "bad JSON" answer. */
export function parseJson(body: Buffer): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(body.toString("utf8")) };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function send(res: ServerResponse, reply: Reply, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const body = typeof reply.body === "string" ? Buffer.from(reply.body, "utf8") : reply.body;
  res.writeHead(reply.status, { "Content-Type": reply.contentType, "Content-Length": String(body.length), ...headers });
  res.end(body);
}

export function json(status: number, body: unknown, contentType = "application/json"): Reply {
  return { status, contentType, body: JSON.stringify(body) };
}

export function text(status: number, body: string, contentType = "text/plain; charset=utf-8"): Reply {
  return { status, contentType, body };
}

export function sendJson(res: ServerResponse, status: number, body: unknown, contentType?: string): void {
  send(res, json(status, body, contentType));
}

export function sendText(res: ServerResponse, status: number, body: string, contentType?: string): void {
  send(res, text(status, body, contentType));
}

export function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

/** A valid but very large JSON list, written with backpressure and abandoned when the client goes. */
export async function sendHuge(res: ServerResponse, bytes: number): Promise<void> {
  res.writeHead(200, { "Content-Type": "application/json" });
  const entry = (i: number) => `{"id":"padding-${String(i).padStart(8, "0")}","object":"model","owned_by":"simulator"},`;
  let written = 0;
  let i = 0;
  let gone = false;
  // One close listener for the whole body: a waiter per write would pile listeners up on a slow reader.
  let wake: (() => void) | undefined;
  res.on("close", () => {
    gone = true;
    wake?.();
  });
  const drained = () =>
    new Promise<void>((r) => {
      wake = r;
      res.once("drain", () => r());
    }).finally(() => (wake = undefined));
  if (!res.write('{"object":"list","data":[')) await drained();
  while (written < bytes && !gone) {
    let chunk = "";
    while (chunk.length < 64 * 1024) chunk += entry(i++);
    written += chunk.length;
    if (!res.write(chunk)) await drained();
  }
  if (!gone) res.end(`{"id":"end","object":"model","owned_by":"simulator"}]}`);
}
