import type { Db } from "../store/open-store.ts";
import { EVIDENCE } from "../workspace/databases.ts";
import type { RecordWriter } from "../workspace/record-writer.ts";

/**
 * The Evidence rows the engine wrote to the workspace, by key and evaluation time, in a table of its own, so the
 * rows past evidence.retention can be deleted without reading the grid (only some evaluations make a row, so the
 * store's evidence table cannot say which keys exist).
 */
export class EvidenceRows {
  private readonly db: Db;
  private readonly stmts;

  constructor(db: Db) {
    this.db = db;
    db.exec(`
      CREATE TABLE IF NOT EXISTS evidence_rows (
        key TEXT PRIMARY KEY,             -- the Evidence row's key: requirement|criterion|time
        at INTEGER NOT NULL               -- the evaluation time in the key
      );
      CREATE INDEX IF NOT EXISTS evidence_rows_at ON evidence_rows(at);
    `);
    this.stmts = {
      insert: db.prepare("INSERT OR IGNORE INTO evidence_rows (key, at) VALUES (?, ?)"),
      expired: db.prepare<[number], { key: string }>("SELECT key FROM evidence_rows WHERE at < ?"),
      forget: db.prepare("DELETE FROM evidence_rows WHERE at < ?"),
    };
  }

  /** Notes rows written at `at` (one transaction). */
  written(keys: readonly string[], at: number): void {
    if (keys.length === 0) return;
    this.db.transaction(() => {
      for (const key of keys) this.stmts.insert.run(key, at);
    })();
  }

  /** Queues the deletion of every row written before `before`, then forgets them; returns how many. */
  prune(before: number, records: RecordWriter): number {
    // Queued first: a crash before the forget only queues them again, and deleting twice is no error.
    const expired = this.stmts.expired.all(before);
    for (const { key } of expired) records.delete(EVIDENCE.name, key);
    this.stmts.forget.run(before);
    return expired.length;
  }
}
