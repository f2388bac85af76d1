import type { IncomingMessage } from "node:http";
import { BodyError as ReadBodyError, readBody } from "../router/read-body.ts";

/** A request body the board refuses, with the HTTP status to answer. */
export class BodyError extends Error {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.name = "BodyError";
    this.status = status;
  }
}

/** Reads a JSON request body of at most `limit` bytes; anything else is an error with a status, never a crash. */
export async function readJsonBody(req: IncomingMessage, limit = 16 * 1024): Promise<unknown> {
  const type = req.headers["content-type"] ?? "";
  if (!/^application\/json\b/i.test(type)) throw new BodyError(415, "the body must be JSON (content-type: application/json)");
  const body = await readBody(req, limit).catch((err: unknown) => {
    // The add form shows the message as is, so it gets the board's wording rather than the router's.
    throw err instanceof ReadBodyError && err.status === 413 ? new BodyError(413, `the body is larger than ${limit} bytes`) : err;
  });
  try {
    return JSON.parse(body.toString("utf8")) as unknown;
  } catch (err) {
    throw new BodyError(400, `the body is not valid JSON (${(err as Error).message})`);
  }
}
