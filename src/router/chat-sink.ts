import type { ServerResponse } from "node:http";

/** Who served a request; sent as x-ai-tracker-* response headers. */
export interface RouteHeaders {
  backend: string;
  attempts: number;
  tier: string;
}

/** Where an answer goes: an HTTP response, or memory for in-process callers (the CLI, the pipelines). */
export interface ChatSink {
  /** True once the client has gone away. */
  readonly gone: boolean;
  /** Calls back once when the client goes away before the answer is finished. */
  onGone(cb: () => void): void;
  /** A whole answer (or an error) at once. */
  send(status: number, contentType: string, body: string | Buffer, headers?: RouteHeaders): void;
  /** Starts a streamed answer; the headers leave with the first write. */
  begin(contentType: string, headers: RouteHeaders): void;
  /** Part of a stream; false when the client is not keeping up (wait for onDrain). */
  write(text: string): boolean;
  onDrain(cb: () => void): void;
  end(text?: string): void;
}

function headerList(contentType: string, h: RouteHeaders | undefined): Record<string, string | number> {
  const out: Record<string, string | number> = { "content-type": contentType };
  if (h) {
    out["x-ai-tracker-backend"] = h.backend;
    out["x-ai-tracker-attempts"] = h.attempts;
    out["x-ai-tracker-tier"] = h.tier;
  }
  return out;
}

/** A sink over a node:http response. */
export class HttpSink implements ChatSink {
  gone = false;
  private goneCallbacks: (() => void)[] = [];

  constructor(private readonly res: ServerResponse) {
    res.once("close", () => {
      if (res.writableFinished) return;
      this.gone = true;
      for (const cb of this.goneCallbacks) cb();
      this.goneCallbacks = [];
    });
  }

  onGone(cb: () => void): void {
    if (this.gone) cb();
    else this.goneCallbacks.push(cb);
  }

  send(status: number, contentType: string, body: string | Buffer, headers?: RouteHeaders): void {
    if (this.gone || this.res.headersSent) return;
    const list = headerList(contentType, headers);
    list["content-length"] = typeof body === "string" ? Buffer.byteLength(body) : body.length;
    this.res.writeHead(status, list);
    this.res.end(body);
  }

  begin(contentType: string, headers: RouteHeaders): void {
    const list = headerList(contentType, headers);
    list["cache-control"] = "no-cache";
    // Not flushed: the headers leave with the first frame, one write instead of two before the first token.
    this.res.writeHead(200, list);
  }

  write(text: string): boolean {
    return this.gone ? true : this.res.write(text);
  }

  onDrain(cb: () => void): void {
    this.res.once("drain", cb);
  }

  end(text?: string): void {
    if (!this.gone) this.res.end(text);
  }
}

/** A sink that keeps a whole answer in memory, for in-process callers; it does not stream. */
export class MemorySink implements ChatSink {
  readonly gone = false;
  status = 0;
  body = "";
  headers: RouteHeaders | undefined;

  onGone(): void {}

  send(status: number, _contentType: string, body: string | Buffer, headers?: RouteHeaders): void {
    this.status = status;
    this.body = typeof body === "string" ? body : body.toString("utf8");
    this.headers = headers;
  }

  begin(): void {
    throw new Error("MemorySink does not stream");
  }

  write(): boolean {
    throw new Error("MemorySink does not stream");
  }

  onDrain(): void {}

  end(): void {}
}
