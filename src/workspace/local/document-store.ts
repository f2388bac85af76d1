import type { Db } from "../../store/open-store.ts";
import { openSqlite, classifySqliteError } from "../../store/open-store.ts";

/** The embedded workspace's documents: one row per Yjs document, its full state as one update. */
export class DocumentStore {
  readonly path: string;
  private readonly db: Db;
  private readonly getStmt;
  private readonly putStmt;

  constructor(path: string, options: { readonly?: boolean } = {}) {
    this.path = path;
    this.db = openSqlite(path, options);
    try {
      if (!options.readonly) {
        this.db.exec("CREATE TABLE IF NOT EXISTS documents (name TEXT PRIMARY KEY, data BLOB NOT NULL, updated_at INTEGER NOT NULL)");
      }
      this.getStmt = this.db.prepare<[string], { data: Buffer }>("SELECT data FROM documents WHERE name = ?");
      this.putStmt = options.readonly
        ? undefined
        : this.db.prepare(
            "INSERT INTO documents (name, data, updated_at) VALUES (?, ?, ?) ON CONFLICT(name) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at",
          );
    } catch (err) {
      this.db.close();
      throw classifySqliteError(path, err);
    }
  }

  get(name: string): Uint8Array | null {
    const row = this.getStmt.get(name);
    return row ? new Uint8Array(row.data) : null;
  }

  put(name: string, state: Uint8Array, now: number): void {
    if (!this.putStmt) throw new Error(`${this.path}: opened read-only`);
    this.putStmt.run(name, Buffer.from(state), now);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
