import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "../shared/logger.ts";
import type { Workspace } from "../workspace/workspace.ts";
import type { BoardSnapshot } from "./public/board-types.ts";
import { BOARD_DATABASES } from "./read-snapshot.ts";

export interface SnapshotEventsOptions {
  workspace: Workspace;
  read: () => Promise<BoardSnapshot>;
  logger: Logger;
  /** Re-read at least this often: pages have no change feed, and AppFlowy edits arrive by polling. */
  refreshMs: number;
  /** A comment line this often keeps proxies and the browser from calling the stream dead. */
  heartbeatMs: number;
}

/**
 * Server-sent events for the read-only board: a `snapshot` event at once, then whenever a watched database
 * changes (coalesced) or the refresh interval finds something new. Identical snapshots are not re-sent.
 */
export function serveSnapshotEvents(req: IncomingMessage, res: ServerResponse, options: SnapshotEventsOptions): void {
  const log = options.logger;
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-store",
    connection: "keep-alive",
    "x-accel-buffering": "no",
  });
  res.write(": board events\n\n");

  let closed = false;
  let reading = false;
  let again = false;
  let last = "";
  let debounce: NodeJS.Timeout | undefined;

  const push = async (): Promise<void> => {
    if (closed) return;
    if (reading) {
      again = true;
      return;
    }
    reading = true;
    try {
      const snap = await options.read();
      const { generatedAt: _at, ...data } = snap;
      const text = JSON.stringify(data);
      if (!closed && text !== last) {
        last = text;
        res.write(`event: snapshot\ndata: ${JSON.stringify(snap)}\n\n`);
      }
    } catch (err) {
      log.warn({ err }, "board snapshot failed");
      if (!closed) res.write(`event: problem\ndata: ${JSON.stringify({ message: "the workspace could not be read" })}\n\n`);
    } finally {
      reading = false;
      if (again && !closed) {
        again = false;
        void push();
      }
    }
  };
  const soon = (): void => {
    clearTimeout(debounce);
    debounce = setTimeout(() => void push(), 150);
  };

  const unwatch = BOARD_DATABASES.map((db) => options.workspace.watch(db, soon));
  const refresh = setInterval(() => void push(), options.refreshMs);
  const heartbeat = setInterval(() => {
    if (!closed) res.write(": ping\n\n");
  }, options.heartbeatMs);

  const stop = (): void => {
    if (closed) return;
    closed = true;
    clearTimeout(debounce);
    clearInterval(refresh);
    clearInterval(heartbeat);
    for (const u of unwatch) u();
  };
  req.on("close", stop);
  res.on("close", stop);
  void push();
}
