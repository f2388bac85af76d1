import type { IncomingMessage, ServerResponse } from "node:http";
import type { SnapshotHub } from "./snapshot-hub.ts";

export interface SnapshotEventsOptions {
  hub: SnapshotHub;
  /** A comment line this often keeps proxies and the browser from calling the stream dead. */
  heartbeatMs: number;
}

/**
 * Server-sent events for the read-only board: a `snapshot` event at once, then whenever the hub reads something
 * new for this stream. Identical snapshots are not re-sent.
 */
export function serveSnapshotEvents(req: IncomingMessage, res: ServerResponse, options: SnapshotEventsOptions): void {
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-store",
    connection: "keep-alive",
    "x-accel-buffering": "no",
  });
  res.write(": board events\n\n");

  let last = "";
  const unsubscribe = options.hub.subscribe((update) => {
    if (update.text !== undefined) {
      if (update.text === last) return;
      last = update.text;
    }
    res.write(update.event);
  });
  const heartbeat = setInterval(() => res.write(": ping\n\n"), options.heartbeatMs);

  let closed = false;
  const stop = (): void => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    unsubscribe();
  };
  req.on("close", stop);
  res.on("close", stop);
}
