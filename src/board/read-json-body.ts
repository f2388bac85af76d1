import type { IncomingMessage } from "node:http";

/** A request body the board refuses, with the HTTP status to answer. */
export class BodyError extends Error {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.name = "BodyError";
    this.status = status;
  }
}

/** Reads a JSON request body of at most `limit` bytes; anything else is a BodyError, never a crash. */
export async function readJsonBody(req: IncomingMessage, limit = 16 * 1024): Promise<unknown> {
  const type = req.headers["content-type"] ?? "";
  if (!/^application\/json\b/i.test(type)) throw new BodyError(415, "the body must be JSON (content-type: application/json)");
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyError(413, `the body is larger than ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new BodyError(400, `the body is not valid JSON (${(err as Error).message})`);
  }
}
