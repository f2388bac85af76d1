import type { ServerResponse } from "node:http";
import { sleep } from "./http-io.ts";

/** Writes a streamed answer (SSE or NDJSON) and knows when the client has gone. */
export class StreamWriter {
  private gone = false;

  private constructor(private readonly res: ServerResponse, private readonly format: "sse" | "ndjson") {
    res.on("close", () => {
      this.gone = true;
    });
  }

  static sse(res: ServerResponse, headers: Record<string, string> = {}): StreamWriter {
    res.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-cache", Connection: "keep-alive", ...headers });
    res.flushHeaders();
    return new StreamWriter(res, "sse");
  }

  static ndjson(res: ServerResponse, contentType = "application/x-ndjson"): StreamWriter {
    res.writeHead(200, { "Content-Type": contentType });
    res.flushHeaders();
    return new StreamWriter(res, "ndjson");
  }

  /** True once the client closed the connection or the stream ended. */
  get closed(): boolean {
    return this.gone || this.res.destroyed || this.res.writableEnded;
  }

  /** One JSON object: an SSE `data:` frame or an NDJSON line. */
  send(value: unknown): void {
    const payload = JSON.stringify(value);
    this.write(this.format === "sse" ? `data: ${payload}\n\n` : `${payload}\n`);
  }

  /** A named SSE event; `data` is written as given when it is a string. */
  event(name: string, data: unknown): void {
    this.write(`event: ${name}\ndata: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`);
  }

  /** An SSE comment line (mlx keepalives, mistral.rs keep-alives). */
  comment(textLine: string): void {
    this.write(`: ${textLine}\n\n`);
  }

  /** Raw text, for frames no helper covers (llama.cpp's `error:` line, `data: [DONE]`). */
  write(chunk: string): void {
    if (!this.closed) this.res.write(chunk);
  }

  done(): void {
    this.write("data: [DONE]\n\n");
  }

  end(): void {
    if (!this.closed) this.res.end();
  }

  /** Drops the connection without ending the chunked body, so the client sees a truncated stream. */
  cut(): void {
    const socket = this.res.socket;
    this.gone = true;
    if (!socket) return;
    // end(), not destroy(): what was written still reaches the client, then the body stops short.
    socket.end();
    setTimeout(() => socket.destroy(), 1000).unref();
  }

  /** Waits between tokens; resolves false when the client has gone meanwhile. */
  async pause(ms: number): Promise<boolean> {
    if (this.closed) return false;
    await sleep(ms);
    return !this.closed;
  }
}
