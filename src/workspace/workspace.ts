/** Cell values every adapter can store and read back unchanged. */
export type CellValue = string | number | boolean | string[] | null;
export type Cells = Record<string, CellValue>;

export type FieldType = "text" | "number" | "select" | "multiselect" | "date" | "checkbox" | "url";

/** Who may write a field: the team (seeded once, then never overwritten) or the tracker. */
export type FieldOwner = "team" | "tracker";

export interface FieldSpec {
  name: string;
  type: FieldType;
  owner: FieldOwner;
  /** The choices of a select field, created with the field. */
  options?: readonly string[];
}

export interface DatabaseSpec {
  name: string;
  /** The field whose value is the row's stable key (e.g. ID for Requirements). */
  keyField: string;
  fields: readonly FieldSpec[];
}

export interface Row {
  /** The stable key: the key field's value. */
  key: string;
  cells: Cells;
  /** When the row last changed, in ms since the epoch, where the adapter knows it. */
  updatedAt?: number;
}

export interface RowWrite {
  /** Tracker-owned cells, written every time. */
  set?: Cells;
  /** Team-owned cells, written only when the row is created; an existing row keeps what the team typed. */
  seed?: Cells;
}

export interface PageSpec {
  /** Stable key: writing the same key again replaces the page. */
  key: string;
  title: string;
  /** Markdown body. */
  markdown: string;
}

export interface DatabaseSummary {
  name: string;
  rows: number;
}

export type WorkspaceKind = "local" | "appflowy";

/** Where the tracker's databases and pages live. Every adapter passes the same contract suite. */
export interface Workspace {
  readonly kind: WorkspaceKind;
  /** Creates the database if it is missing and adds any missing fields; never removes or retypes a field. */
  ensureDatabase(spec: DatabaseSpec): Promise<void>;
  /** Creates or updates the row with this key; rejects writes of team-owned fields through `set`. */
  upsertRow(database: string, key: string, write: RowWrite): Promise<void>;
  /** Removes the row with this key, if there is one (pruning rollups and history past their retention). */
  deleteRow(database: string, key: string): Promise<void>;
  /** Every row of a database, including rows people added themselves. */
  readRows(database: string): Promise<Row[]>;
  /** Creates or replaces a page. */
  writePage(page: PageSpec): Promise<void>;
  /** Every page the tracker wrote, newest first. */
  readPages(): Promise<(PageSpec & { updatedAt: number })[]>;
  /** The databases and their row counts. */
  listDatabases(): Promise<DatabaseSummary[]>;
  /** Calls back when rows of a database change from any writer; returns the unsubscribe function. */
  watch(database: string, onChange: () => void): () => void;
  /** Flushes pending writes and releases connections. */
  close(): Promise<void>;
}
