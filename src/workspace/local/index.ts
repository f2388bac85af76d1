import type * as Y from "yjs";
import type { Logger } from "../../shared/logger.ts";
import { checkCells } from "../check-cells.ts";
import type { DatabaseSpec, DatabaseSummary, PageSpec, Row, RowWrite, Workspace } from "../workspace.ts";
import { WorkspaceWriteError } from "../workspace-error.ts";
import type { DocSource } from "./doc-source.ts";
import {
  WORKSPACE_DOC,
  databaseDocName,
  deleteRowInDoc,
  indexEntries,
  pageDocName,
  readDatabaseSpec,
  readPageFromDoc,
  readRowsFromDoc,
  registerInIndex,
  upsertRowInDoc,
  writeDatabaseSchema,
  writePageInDoc,
} from "./yjs-layout.ts";

export interface LocalWorkspaceOptions {
  source: DocSource;
  logger: Logger;
  now?: () => number;
}

/** The embedded workspace adapter: databases and pages as Yjs documents (see yjs-layout.ts). */
export class LocalWorkspace implements Workspace {
  readonly kind = "local" as const;
  private readonly source: DocSource;
  private readonly log: Logger;
  private readonly now: () => number;

  constructor(options: LocalWorkspaceOptions) {
    this.source = options.source;
    this.log = options.logger.child({ module: "workspace", adapter: "local" });
    this.now = options.now ?? Date.now;
  }

  async ensureDatabase(spec: DatabaseSpec): Promise<void> {
    const handle = await this.source.open(databaseDocName(spec.name));
    const stored = readDatabaseSpec(handle.doc);
    const missing = spec.fields.filter((f) => !stored?.fields.some((s) => s.name === f.name));
    for (const f of spec.fields) {
      const s = stored?.fields.find((x) => x.name === f.name);
      if (s && s.type !== f.type) throw new WorkspaceWriteError(spec.name, f.name, `has type ${s.type} in the workspace, the tracker expects ${f.type}`);
    }
    if (stored && missing.length === 0 && stored.keyField === spec.keyField) return;
    await handle.transact((doc) => writeDatabaseSchema(doc, spec));
    const index = await this.source.open(WORKSPACE_DOC);
    await index.transact((doc) => registerInIndex(doc, "databases", spec.name, this.now()));
    this.log.info({ database: spec.name, added: missing.map((f) => f.name) }, "database ensured");
  }

  async upsertRow(database: string, key: string, write: RowWrite): Promise<void> {
    const { spec, handle } = await this.database(database);
    checkCells(spec, write.set ?? {}, "tracker");
    checkCells(spec, write.seed ?? {}, "any");
    if (!key) throw new WorkspaceWriteError(database, spec.keyField, "a row needs a non-empty key");
    await handle.transact((d) => upsertRowInDoc(d, spec.keyField, key, write.set ?? {}, write.seed ?? {}, this.now()));
  }

  async deleteRow(database: string, key: string): Promise<void> {
    const { spec, handle } = await this.database(database);
    await handle.transact((d) => void deleteRowInDoc(d, spec.keyField, key));
  }

  async readRows(database: string): Promise<Row[]> {
    const { doc, spec } = await this.database(database);
    return readRowsFromDoc(doc, spec.keyField);
  }

  async writePage(page: PageSpec): Promise<void> {
    if (!page.key) throw new WorkspaceWriteError("pages", "key", "a page needs a non-empty key");
    const handle = await this.source.open(pageDocName(page.key));
    await handle.transact((doc) => writePageInDoc(doc, page, this.now()));
    const index = await this.source.open(WORKSPACE_DOC);
    await index.transact((doc) => registerInIndex(doc, "pages", page.key, this.now(), page.title));
  }

  async readPages(): Promise<(PageSpec & { updatedAt: number })[]> {
    const index = await this.source.open(WORKSPACE_DOC);
    const pages = [];
    for (const key of indexEntries(index.doc, "pages")) {
      const page = readPageFromDoc((await this.source.open(pageDocName(key))).doc);
      if (page) pages.push(page);
    }
    return pages.sort((a, b) => b.updatedAt - a.updatedAt);
  }

  async listDatabases(): Promise<DatabaseSummary[]> {
    const index = await this.source.open(WORKSPACE_DOC);
    const out: DatabaseSummary[] = [];
    for (const name of indexEntries(index.doc, "databases")) {
      const { doc, spec } = await this.database(name);
      out.push({ name, rows: readRowsFromDoc(doc, spec.keyField).length });
    }
    return out;
  }

  watch(database: string, onChange: () => void): () => void {
    return this.source.observeRows(databaseDocName(database), onChange);
  }

  async close(): Promise<void> {
    await this.source.close();
  }

  private async database(name: string): Promise<{ doc: Y.Doc; spec: DatabaseSpec; handle: Awaited<ReturnType<DocSource["open"]>> }> {
    const handle = await this.source.open(databaseDocName(name));
    const spec = readDatabaseSpec(handle.doc);
    if (!spec) throw new WorkspaceWriteError(name, undefined, "no such database in the workspace (ensureDatabase first)");
    return { doc: handle.doc, spec, handle };
  }
}
