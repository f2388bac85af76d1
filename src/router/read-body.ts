import type { IncomingMessage } from "node:http";

/** A request body the router will not read: too large (413) or broken off (400). */
export class BodyError extends Error {
  constructor(
    readonly status: 400 | 413,
    message: string,
  ) {
    super(message);
    this.name = "BodyError";
  }
}

/**
 * Reads a request body up to `maxBytes`. A declared Content-Length over the cap is refused before reading;
 * a chunked body is cut off as soon as it passes the cap (the rest is drained, not stored).
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = req.headers["content-length"];
  if (declared !== undefined && Number(declared) > maxBytes) {
    req.resume();
    return Promise.reject(new BodyError(413, `request body of ${declared} bytes is over the limit of ${maxBytes} bytes`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on("data", (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > maxBytes) {
        over = true;
        chunks.length = 0;
        reject(new BodyError(413, `request body is over the limit of ${maxBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (!over) resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    });
    req.on("error", (err) => reject(new BodyError(400, `request body could not be read: ${err.message}`)));
    req.on("aborted", () => reject(new BodyError(400, "the client closed the connection while sending the body")));
  });
}
