import type { Db } from "../store/open-store.ts";
import type { PageSpec, RowWrite } from "../workspace/workspace.ts";

/**
 * The outbox's own table in the local store. One live record per target (a row or a page): later writes merge
 * into it and bump `version`, so a send that was in flight while a write arrived does not delete the newer data.
 * A row record's payload is an upsert (a RowWrite) or a deletion, optionally followed by the upsert queued after it
 * (see RowPayload), so each row's operations keep their order.
 * state: pending (to send) | parked (a terminal error; kept, retried only when asked or after a while)
 *        | rejected (refused before sending: it can never be written as it is).
 */
export const OUTBOX_SQL = `
  CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    target TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('row', 'page')),
    database TEXT,
    key TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'parked', 'rejected')),
    version INTEGER NOT NULL DEFAULT 1,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE INDEX IF NOT EXISTS outbox_state_id ON outbox(state, id);
`;

export interface OutboxRecord {
  id: number;
  target: string;
  kind: "row" | "page";
  database: string | null;
  key: string;
  payload: string;
  state: "pending" | "parked" | "rejected";
  version: number;
  attempts: number;
  next_at: number;
  last_error: string | null;
}

export const rowTarget = (database: string, key: string): string => `row\u0000${database}\u0000${key}`;
export const pageTarget = (key: string): string => `page\u0000${key}`;

/** Merges a row write into the queued one: set cells take the newest value, seed cells keep the first. */
export function mergeRowWrite(queued: RowWrite, next: RowWrite): RowWrite {
  const set = { ...queued.set, ...next.set };
  const seed = { ...next.seed, ...queued.seed };
  return { ...(Object.keys(set).length > 0 ? { set } : {}), ...(Object.keys(seed).length > 0 ? { seed } : {}) };
}

/**
 * What a row record asks for: an upsert, or a deletion (`delete` counts the deletions queued on the record, so an
 * acknowledgement can tell the one it sent from a newer one) and then, when written after it, an upsert.
 */
export type RowPayload = RowWrite | Deletion;
export interface Deletion {
  delete: number;
  then?: RowWrite;
}

export const isDeletion = (p: RowPayload): p is Deletion => typeof (p as Deletion).delete === "number";

/** The payload once another write to the row is queued after it: a delete replaces it, an upsert follows it. */
export function queueAfter(queued: RowPayload, next: { delete: true } | { write: RowWrite }): RowPayload {
  const deletes = isDeletion(queued) ? queued.delete : 0;
  if ("delete" in next) return { delete: deletes + 1 };
  if (!isDeletion(queued)) return mergeRowWrite(queued, next.write);
  return { delete: deletes, then: queued.then ? mergeRowWrite(queued.then, next.write) : next.write };
}

/**
 * What is left to send of `current` once `sent` (an older version of the same record) was acknowledged. The row
 * exists after a sent upsert, so its seed goes (seeding is for creation only); a deletion that was sent is done,
 * unless another was queued since.
 */
export function remainingAfterSend(sent: RowPayload, current: RowPayload): RowPayload {
  const withoutSeed = (w: RowWrite): RowWrite => (w.set ? { set: w.set } : {});
  if (!isDeletion(current)) return withoutSeed(current);
  if (!isDeletion(sent) || sent.delete !== current.delete || !current.then) return current;
  return sent.then ? withoutSeed(current.then) : current.then;
}

/** Prepared statements over the table; every method is one SQLite transaction, durable when it returns. */
export class OutboxTable {
  private readonly db: Db;
  private readonly stmts;

  constructor(db: Db) {
    this.db = db;
    db.exec(OUTBOX_SQL);
    this.stmts = {
      byTarget: db.prepare<[string], OutboxRecord>("SELECT * FROM outbox WHERE target = ?"),
      insert: db.prepare("INSERT INTO outbox (target, kind, database, key, payload, state, last_error, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
      merge: db.prepare("UPDATE outbox SET payload = ?, version = version + 1, updated_at = ? WHERE id = ?"),
      replace: db.prepare("UPDATE outbox SET payload = ?, version = version + 1, updated_at = ?, state = 'pending', next_at = CASE WHEN state = 'parked' THEN 0 ELSE next_at END WHERE id = ?"),
      byId: db.prepare<[number], OutboxRecord>("SELECT * FROM outbox WHERE id = ?"),
      rest: db.prepare("UPDATE outbox SET payload = ?, attempts = 0, next_at = 0 WHERE id = ?"),
      due: db.prepare<[number, number], OutboxRecord>("SELECT * FROM outbox WHERE state = 'pending' AND next_at <= ? ORDER BY id LIMIT ?"),
      nextDue: db.prepare<[], { at: number | null }>("SELECT min(next_at) AS at FROM outbox WHERE state = 'pending'"),
      done: db.prepare("DELETE FROM outbox WHERE id = ? AND version = ?"),
      retry: db.prepare("UPDATE outbox SET attempts = attempts + 1, next_at = ?, last_error = ? WHERE id = ?"),
      park: db.prepare("UPDATE outbox SET state = 'parked', attempts = attempts + 1, last_error = ?, updated_at = ? WHERE id = ?"),
      unpark: db.prepare("UPDATE outbox SET state = 'pending', next_at = 0 WHERE state = 'parked'"),
      counts: db.prepare<[], { state: string; n: number }>("SELECT state, count(*) AS n FROM outbox GROUP BY state"),
      anyPendingUpTo: db.prepare<[number], { one: number }>("SELECT 1 AS one FROM outbox WHERE state = 'pending' AND id <= ? LIMIT 1"),
      maxId: db.prepare<[], { id: number | null }>("SELECT max(id) AS id FROM outbox"),
      parked: db.prepare<[], OutboxRecord>("SELECT * FROM outbox WHERE state IN ('parked', 'rejected') ORDER BY id"),
    };
  }

  /** Queues a row write, merging it into a queued write to the same row (a parked one stays parked). */
  enqueueRow(database: string, key: string, write: RowWrite, now: number): void {
    this.db
      .transaction(() => {
        const target = rowTarget(database, key);
        const queued = this.stmts.byTarget.get(target);
        if (queued) this.stmts.merge.run(JSON.stringify(queueAfter(JSON.parse(queued.payload) as RowPayload, { write })), now, queued.id);
        else this.stmts.insert.run(target, "row", database, key, JSON.stringify(write), "pending", null, now, now);
      })
      .immediate();
  }

  /**
   * Queues the deletion of a row in place of whatever is queued for it. A parked write is pending again: what
   * the workspace refused is not sent any more.
   */
  enqueueDelete(database: string, key: string, now: number): void {
    this.db
      .transaction(() => {
        const target = rowTarget(database, key);
        const queued = this.stmts.byTarget.get(target);
        if (queued) this.stmts.replace.run(JSON.stringify(queueAfter(JSON.parse(queued.payload) as RowPayload, { delete: true })), now, queued.id);
        else this.stmts.insert.run(target, "row", database, key, JSON.stringify({ delete: 1 } satisfies Deletion), "pending", null, now, now);
      })
      .immediate();
  }

  enqueuePage(page: PageSpec, now: number): void {
    this.db
      .transaction(() => {
        const target = pageTarget(page.key);
        const queued = this.stmts.byTarget.get(target);
        if (queued) this.stmts.merge.run(JSON.stringify(page), now, queued.id);
        else this.stmts.insert.run(target, "page", null, page.key, JSON.stringify(page), "pending", null, now, now);
      })
      .immediate();
  }

  /** Keeps a write that can never be sent as it is, apart from the row's queue so it does not poison later writes. */
  reject(database: string, key: string, write: RowWrite, error: string, now: number): void {
    this.stmts.insert.run(`rejected\u0000${database}\u0000${key}\u0000${now}\u0000${Math.random()}`, "row", database, key, JSON.stringify(write), "rejected", error, now, now);
  }

  due(now: number, limit: number): OutboxRecord[] {
    return this.stmts.due.all(now, limit);
  }

  nextDueAt(): number | undefined {
    return this.stmts.nextDue.get()?.at ?? undefined;
  }

  /**
   * Acknowledges a send. If a write merged in meanwhile, the record stays with what is left to send
   * (remainingAfterSend: without its seed once the row exists, without a deletion that is done).
   */
  acknowledge(record: OutboxRecord): void {
    this.db.transaction(() => {
      if (this.stmts.done.run(record.id, record.version).changes > 0 || record.kind !== "row") return;
      const current = this.stmts.byId.get(record.id);
      if (!current) return;
      const rest = remainingAfterSend(JSON.parse(record.payload) as RowPayload, JSON.parse(current.payload) as RowPayload);
      this.stmts.rest.run(JSON.stringify(rest), record.id);
    })();
  }

  retryLater(id: number, at: number, error: string): void {
    this.stmts.retry.run(at, error, id);
  }

  park(id: number, error: string, now: number): void {
    this.stmts.park.run(error, now, id);
  }

  unparkAll(): number {
    return this.stmts.unpark.run().changes;
  }

  counts(): { pending: number; parked: number; rejected: number } {
    const out = { pending: 0, parked: 0, rejected: 0 };
    for (const { state, n } of this.stmts.counts.all()) out[state as keyof typeof out] = n;
    return out;
  }

  /** Whether anything queued at or before this id still waits to be sent (an index seek, not a count). */
  anyPendingUpTo(id: number): boolean {
    return this.stmts.anyPendingUpTo.get(id) !== undefined;
  }

  maxId(): number {
    return this.stmts.maxId.get()?.id ?? 0;
  }

  parked(): OutboxRecord[] {
    return this.stmts.parked.all();
  }
}
