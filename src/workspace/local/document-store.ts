import * as Y from "yjs";
import type { Db } from "../../store/open-store.ts";
import { openSqlite, classifySqliteError } from "../../store/open-store.ts";

/**
 * The embedded workspace's documents in SQLite: each document's full state, plus the small updates written since,
 * so a write is durable at once without re-encoding a whole (possibly large) document each time.
 */
export class DocumentStore {
  readonly path: string;
  private readonly db: Db;
  private readonly stmts;

  constructor(path: string, options: { readonly?: boolean } = {}) {
    this.path = path;
    this.db = openSqlite(path, options);
    try {
      if (!options.readonly) {
        this.db.exec(`
          CREATE TABLE IF NOT EXISTS documents (name TEXT PRIMARY KEY, data BLOB NOT NULL, updated_at INTEGER NOT NULL);
          CREATE TABLE IF NOT EXISTS document_updates (id INTEGER PRIMARY KEY, name TEXT NOT NULL, data BLOB NOT NULL, at INTEGER NOT NULL);
          CREATE INDEX IF NOT EXISTS document_updates_name ON document_updates(name, id);
        `);
      }
      const hasUpdates = this.db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'document_updates'").get() !== undefined;
      this.stmts = {
        get: this.db.prepare<[string], { data: Buffer }>("SELECT data FROM documents WHERE name = ?"),
        updates: hasUpdates ? this.db.prepare<[string], { data: Buffer }>("SELECT data FROM document_updates WHERE name = ? ORDER BY id") : undefined,
        put: options.readonly
          ? undefined
          : this.db.prepare(
              "INSERT INTO documents (name, data, updated_at) VALUES (?, ?, ?) ON CONFLICT(name) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at",
            ),
        clearUpdates: options.readonly ? undefined : this.db.prepare("DELETE FROM document_updates WHERE name = ?"),
        append: options.readonly ? undefined : this.db.prepare("INSERT INTO document_updates (name, data, at) VALUES (?, ?, ?)"),
      };
    } catch (err) {
      this.db.close();
      throw classifySqliteError(path, err);
    }
  }

  /** The document's state: the last full state with every later update merged in; null for a new document. */
  get(name: string): Uint8Array | null {
    const base = this.stmts.get.get(name);
    const updates = this.stmts.updates?.all(name) ?? [];
    const parts = [...(base ? [base.data] : []), ...updates.map((u) => u.data)].map((b) => new Uint8Array(b));
    if (parts.length === 0) return null;
    return parts.length === 1 ? parts[0]! : Y.mergeUpdates(parts);
  }

  /** Replaces the document's full state; the updates it already contains are dropped in the same transaction. */
  put(name: string, state: Uint8Array, now: number): void {
    const { put, clearUpdates } = this.writable();
    this.db.transaction(() => {
      put.run(name, Buffer.from(state), now);
      clearUpdates.run(name);
    })();
  }

  /** Records one change to a document durably, cheaply: the full state is written later, debounced. */
  append(name: string, update: Uint8Array, now: number): void {
    this.writable().append.run(name, Buffer.from(update), now);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private writable() {
    const { put, clearUpdates, append } = this.stmts;
    if (!put || !clearUpdates || !append) throw new Error(`${this.path}: opened read-only`);
    return { put, clearUpdates, append };
  }
}
