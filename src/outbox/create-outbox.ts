import { checkCells } from "../workspace/check-cells.ts";
import { DATABASES } from "../workspace/databases.ts";
import type { RecordWriter } from "../workspace/record-writer.ts";
import type { PageSpec, Workspace } from "../workspace/workspace.ts";
import type { Logger } from "../shared/logger.ts";
import type { Db } from "../store/open-store.ts";
import { isDeletion, OutboxTable, type OutboxRecord, type RowPayload } from "./outbox-table.ts";
import { backoffMs, retryDecision } from "./retry-policy.ts";

export interface OutboxOptions {
  /** The local store; the outbox keeps its own table in it. */
  db: Db;
  workspace: Workspace;
  logger: Logger;
  now?: () => number;
  /** Sends in flight at once (rows of one database are still created one at a time by the adapter). */
  concurrency?: number;
  /** First retry delay; doubles per failure up to `maxDelayMs`. */
  baseDelayMs?: number;
  maxDelayMs?: number;
}

/** How often parked records are tried again (a person may have fixed the grid meanwhile). */
const PARKED_RETRY_MS = 10 * 60_000;
/** How long close() waits for the queue to drain before leaving the rest for the next start. */
const CLOSE_TIMEOUT_MS = 10_000;

export interface OutboxStats {
  pending: number;
  parked: number;
  rejected: number;
  inFlight: number;
  /** Sends acknowledged since start. */
  sent: number;
  /** Failed attempts that will be retried, since start. */
  retries: number;
  /** While the workspace is failing: when the next attempt is due (ms since the epoch). */
  pausedUntil: number | undefined;
  lastError: string | undefined;
}

export type Outbox = RecordWriter & {
  /** flush(), but waiting at most `ms`: true when everything queued before the call was sent, false on time out. */
  flushWithin(ms: number): Promise<boolean>;
  start(): void;
  stop(): Promise<void>;
  stats(): OutboxStats;
  /** Sends parked records again; returns how many. */
  retryParked(): number;
  /** Parked and rejected records with their errors, oldest first. */
  parkedRecords(): OutboxRecord[];
};

/**
 * The durable record writer: every write is committed to the outbox table before anything is sent, merged with
 * queued writes to the same row (a delete replaces them; an upsert after a delete follows it), then sent in order
 * per row with retries. Retryable failures (outage, 5xx, 429)
 * pause all sending with exponential backoff or the server's Retry-After; terminal ones park the record. A crash
 * loses nothing: whatever was not acknowledged is sent again on start, and the adapters' upserts are idempotent.
 */
export function createOutbox(options: OutboxOptions): Outbox {
  const { workspace } = options;
  const log = options.logger.child({ module: "outbox" });
  const now = options.now ?? Date.now;
  const concurrency = options.concurrency ?? 8;
  const baseDelay = options.baseDelayMs ?? 500;
  const maxDelay = options.maxDelayMs ?? 60_000;
  // Writes to these databases are checked when queued, so a bad write is refused alone instead of parking its row.
  const specs = new Map(DATABASES.map((s) => [s.name, s]));
  const table = new OutboxTable(options.db);

  const inFlight = new Map<number, Promise<void>>();
  const waiters: { upTo: number; resolve: () => void }[] = [];
  let running = false;
  let timer: NodeJS.Timeout | undefined;
  let parkedTimer: NodeJS.Timeout | undefined;
  let pausedUntil: number | undefined;
  let failuresInARow = 0;
  let sent = 0;
  let retries = 0;
  let lastError: string | undefined;

  function schedule(delay: number): void {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      pump();
    }, Math.max(0, delay));
  }

  function pump(): void {
    if (!running) return;
    const t = now();
    if (pausedUntil !== undefined && t < pausedUntil) return schedule(pausedUntil - t);
    const free = concurrency - inFlight.size;
    if (free > 0) {
      for (const record of table.due(t, free + inFlight.size)) {
        if (inFlight.size >= concurrency) break;
        if (inFlight.has(record.id)) continue;
        const p = send(record).finally(() => {
          inFlight.delete(record.id);
          settleWaiters();
          pump();
        });
        inFlight.set(record.id, p);
      }
    }
    if (inFlight.size === 0) {
      const next = table.nextDueAt();
      if (next !== undefined) schedule(next - t);
    }
  }

  async function send(record: OutboxRecord): Promise<void> {
    try {
      if (record.kind === "row") {
        const payload = JSON.parse(record.payload) as RowPayload;
        if (!isDeletion(payload)) await workspace.upsertRow(record.database!, record.key, payload);
        else {
          // Both again on a retry: deleting is idempotent, and the upsert after it creates the row anew.
          await workspace.deleteRow(record.database!, record.key);
          if (payload.then) await workspace.upsertRow(record.database!, record.key, payload.then);
        }
      } else await workspace.writePage(JSON.parse(record.payload) as PageSpec);
      table.acknowledge(record);
      sent++;
      if (failuresInARow > 0) log.info({ after: failuresInARow }, "workspace reachable again, sending");
      failuresInARow = 0;
      pausedUntil = undefined;
    } catch (err) {
      const message = (err as Error)?.message ?? String(err);
      lastError = message;
      const decision = retryDecision(err);
      const where = { database: record.database ?? "pages", key: record.key, field: (err as { field?: string }).field };
      if (!decision.retry) {
        table.park(record.id, message, now());
        log.error({ ...where, err: message }, "record parked: the workspace refused it; fix the cause, it is retried later");
        return;
      }
      retries++;
      // Sends in flight together fail together in an outage: count them as one failure, or the backoff would
      // jump by the concurrency at once and sleep a minute after the workspace is back.
      if (pausedUntil === undefined || now() >= pausedUntil) failuresInARow++;
      // One failing call usually means they all fail (outage, rate limit): hold every send, not just this one.
      const wait = Math.max(decision.afterMs ?? 0, backoffMs(failuresInARow, baseDelay, maxDelay));
      pausedUntil = Math.max(pausedUntil ?? 0, now() + wait);
      table.retryLater(record.id, now() + Math.max(decision.afterMs ?? 0, backoffMs(record.attempts + 1, baseDelay, maxDelay)), message);
      if (failuresInARow === 1 || failuresInARow % 20 === 0) log.warn({ ...where, err: message, waitMs: wait, failuresInARow }, "workspace write failed, will retry");
    }
  }

  function settleWaiters(): void {
    for (let i = waiters.length - 1; i >= 0; i--) {
      const w = waiters[i]!;
      if (inFlight.size === 0 && !table.anyPendingUpTo(w.upTo)) {
        waiters.splice(i, 1);
        w.resolve();
      }
    }
  }

  let pumpQueued = false;
  function kick(): void {
    if (!running || pumpQueued || inFlight.size >= concurrency) return;
    if (pausedUntil !== undefined && now() < pausedUntil) return;
    pumpQueued = true;
    setImmediate(() => {
      pumpQueued = false;
      pump();
    });
  }

  const outbox: Outbox = {
    upsert(database, key, write) {
      const spec = specs.get(database);
      if (spec) {
        try {
          checkCells(spec, write.set ?? {}, "tracker");
          checkCells(spec, write.seed ?? {}, "any");
        } catch (err) {
          table.reject(database, key, write, (err as Error).message, now());
          log.error({ database, key, field: (err as { field?: string }).field, err: (err as Error).message }, "record refused: it does not fit the database");
          return;
        }
      }
      table.enqueueRow(database, key, write, now());
      kick();
    },
    delete(database, key) {
      table.enqueueDelete(database, key, now());
      kick();
    },
    page(page) {
      table.enqueuePage(page, now());
      kick();
    },
    async flush() {
      if (!running) throw new Error("outbox: flush() before start()");
      const upTo = table.maxId();
      if (inFlight.size === 0 && !table.anyPendingUpTo(upTo)) return;
      await new Promise<void>((resolve) => waiters.push({ upTo, resolve }));
    },
    async flushWithin(ms) {
      let t: NodeJS.Timeout | undefined;
      const flushed = await Promise.race([outbox.flush().then(() => true), new Promise<false>((r) => (t = setTimeout(() => r(false), ms)))]);
      clearTimeout(t);
      return flushed;
    },
    async close() {
      if (running) await outbox.flushWithin(CLOSE_TIMEOUT_MS);
      await outbox.stop();
    },
    start() {
      if (running) return;
      running = true;
      const unparked = table.unparkAll();
      const counts = table.counts();
      log.info({ pending: counts.pending, unparked }, "outbox started");
      parkedTimer = setInterval(() => outbox.retryParked(), PARKED_RETRY_MS);
      parkedTimer.unref();
      pump();
    },
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      if (parkedTimer) clearInterval(parkedTimer);
      timer = parkedTimer = undefined;
      await Promise.allSettled([...inFlight.values()]);
    },
    stats() {
      return { ...table.counts(), inFlight: inFlight.size, sent, retries, pausedUntil, lastError };
    },
    retryParked() {
      const n = table.unparkAll();
      if (n > 0) {
        log.info({ records: n }, "retrying parked records");
        kick();
      }
      return n;
    },
    parkedRecords() {
      return table.parked();
    },
  };
  return outbox;
}
