import Database from "better-sqlite3";
import { existsSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { TrackerError } from "../shared/errors.ts";
import { MIGRATIONS } from "./schema.ts";

export type Db = Database.Database;

export interface OpenDbOptions {
  readonly?: boolean;
  /** How long to wait for another writer before calling the file locked. */
  busyTimeoutMs?: number;
}

/**
 * Opens a SQLite file and turns the two ways that go wrong into clear errors that leave the file untouched:
 * a corrupt file (not a database) and one that another process holds locked.
 */
export function openSqlite(path: string, options: OpenDbOptions = {}): Db {
  if (!options.readonly) mkdirSync(dirname(path), { recursive: true });
  let db: Db;
  try {
    db = new Database(path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 3000}`);
    db.prepare("SELECT count(*) FROM sqlite_master").get();
    if (!options.readonly) {
      db.pragma("journal_mode = WAL");
      db.pragma("synchronous = NORMAL");
    }
  } catch (err) {
    throw classifySqliteError(path, err);
  }
  return db;
}

export function classifySqliteError(path: string, err: unknown): TrackerError {
  const code = (err as { code?: string }).code ?? "";
  const text = err instanceof Error ? err.message : String(err);
  if (code === "SQLITE_NOTADB" || code === "SQLITE_CORRUPT" || /not a database|malformed/i.test(text)) {
    return new TrackerError("STORE_CORRUPT", `${path}: not a readable SQLite database (${text}); it was left as it is: move it aside to start afresh`, {
      cause: err,
      exitCode: 2,
    });
  }
  if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED") || /locked|busy/i.test(text)) {
    return new TrackerError("STORE_LOCKED", `${path}: locked by another process (${text}); is another tracker running on this data folder?`, {
      cause: err,
      exitCode: 2,
    });
  }
  return new TrackerError("STORE_CORRUPT", `${path}: cannot open (${text})`, { cause: err, exitCode: 2 });
}

/** Applies the shared migrations in order; `user_version` records how far a file has come. */
export function migrate(db: Db, path: string, migrations: readonly string[] = MIGRATIONS): void {
  try {
    const current = db.pragma("user_version", { simple: true }) as number;
    if (current > migrations.length) {
      throw new TrackerError("STORE_CORRUPT", `${path}: written by a newer tracker (schema ${current}, this one knows ${migrations.length})`, { exitCode: 2 });
    }
    for (let v = current; v < migrations.length; v++) {
      db.transaction(() => {
        db.exec(migrations[v]!);
        db.pragma(`user_version = ${v + 1}`);
      }).immediate();
    }
  } catch (err) {
    if (err instanceof TrackerError) throw err;
    throw classifySqliteError(path, err);
  }
}

/** Opens (and creates or upgrades) the local store; `readonly` for commands that only look. */
export function openStore(path: string, options: OpenDbOptions = {}): Db {
  if (options.readonly && !existsSync(path)) {
    throw new TrackerError("STORE_CORRUPT", `${path}: no local store yet; run \`ai-tracker start\` first`, { exitCode: 1 });
  }
  const db = openSqlite(path, options);
  if (!options.readonly) migrate(db, path);
  return db;
}
