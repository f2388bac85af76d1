import type { Logger } from "../shared/logger.ts";
import type { Workspace } from "../workspace/workspace.ts";
import type { BoardSnapshot } from "./public/board-types.ts";
import { BOARD_DATABASES } from "./public/board-databases.ts";

/** One read's outcome as a ready-to-write server-sent event; `text` (the snapshot without its time) is absent for a problem. */
export interface SnapshotUpdate {
  event: string;
  text?: string;
}

export interface SnapshotHubOptions {
  workspace: Workspace;
  read: () => Promise<BoardSnapshot>;
  logger: Logger;
  /** Re-read at least this often: pages have no change feed, and AppFlowy edits arrive by polling. */
  refreshMs: number;
}

/**
 * Reads the board's snapshot once for every open event stream: one set of watches and one refresh timer while
 * anyone listens, so each tab adds no workspace reads (and no AppFlowy pollers) of its own.
 */
export class SnapshotHub {
  private readonly listeners = new Set<(update: SnapshotUpdate) => void>();
  private latest: SnapshotUpdate | undefined;
  private stopWatching: (() => void) | undefined;
  private reading = false;
  private again = false;

  constructor(private readonly options: SnapshotHubOptions) {}

  /** Calls `listener` with the latest outcome at once (if there is one yet) and with every read after; returns the unsubscribe function. */
  subscribe(listener: (update: SnapshotUpdate) => void): () => void {
    this.listeners.add(listener);
    if (this.listeners.size === 1) this.start();
    else {
      // The cached snapshot paints the new tab at once; a fresh read follows (unless one is under way), since
      // pages have no change feed and the cache may be up to one refresh old. Streams skip an unchanged snapshot.
      if (this.latest) {
        listener(this.latest);
        if (!this.reading) void this.push();
      }
    }
    return () => {
      if (this.listeners.delete(listener) && this.listeners.size === 0) this.stop();
    };
  }

  private start(): void {
    let debounce: NodeJS.Timeout | undefined;
    const soon = (): void => {
      clearTimeout(debounce);
      debounce = setTimeout(() => void this.push(), 150);
    };
    const unwatch = Object.values(BOARD_DATABASES).map((db) => this.options.workspace.watch(db, soon));
    const refresh = setInterval(() => void this.push(), this.options.refreshMs);
    this.stopWatching = () => {
      clearTimeout(debounce);
      clearInterval(refresh);
      for (const u of unwatch) u();
    };
    void this.push();
  }

  private stop(): void {
    this.stopWatching?.();
    this.stopWatching = undefined;
    this.latest = undefined;
  }

  private async push(): Promise<void> {
    if (this.listeners.size === 0) return;
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = true;
    let update: SnapshotUpdate;
    try {
      const snap = await this.options.read();
      const { generatedAt: _at, ...data } = snap;
      update = { event: `event: snapshot\ndata: ${JSON.stringify(snap)}\n\n`, text: JSON.stringify(data) };
    } catch (err) {
      this.options.logger.warn({ err }, "board snapshot failed");
      update = { event: `event: problem\ndata: ${JSON.stringify({ message: "the workspace could not be read" })}\n\n` };
    } finally {
      this.reading = false;
    }
    if (this.listeners.size > 0) {
      this.latest = update;
      for (const listener of this.listeners) listener(update);
    }
    if (this.again && this.listeners.size > 0) {
      this.again = false;
      void this.push();
    }
  }
}
