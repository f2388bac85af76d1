import { createHash, randomUUID } from "node:crypto";
import { z } from "zod";
import { parseDuration } from "../../shared/duration.ts";
import { TrackerError } from "../../shared/errors.ts";
import type { Logger } from "../../shared/logger.ts";
import { checkCells } from "../check-cells.ts";
import { DATABASES } from "../databases.ts";
import type { Cells, DatabaseSpec, DatabaseSummary, PageSpec, Row, RowWrite, Workspace } from "../workspace.ts";
import type { AppFlowyWorkspaceConfig } from "../workspace-config.ts";
import { WorkspaceWriteError } from "../workspace-error.ts";
import { AppFlowyError } from "./appflowy-error.ts";
import { AppFlowyClient } from "./client.ts";
import { documentBlocks, rowCellsUpdate, toCollabCell } from "./collab.ts";
import { databaseIdOfView, findWorkspace, folderTree, parseOrThrow, type FolderView } from "./folder.ts";
import { Limiter } from "./limiter.ts";
import { cellsByFieldId, cellsFromDetail, compareFields, fieldCreateBody, fromAppFlowyCell, preHashRowId, rowKey, stableUuid, toAppFlowyCell, type RemoteField } from "./mapping.ts";
import { blocksToMarkdown, markdownToPageData } from "./page-blocks.ts";
import { addSelectOptionsUpdate, removeRowOrdersUpdate } from "./database-collab.ts";

export interface AppFlowyWorkspaceOptions {
  config: AppFlowyWorkspaceConfig;
  fetch: typeof fetch;
  logger: Logger;
  now?: () => number;
  /** Sent as `device-id`; defaults to a random id per process. */
  deviceId?: string;
  /** How many existing rows are updated at once (creations are one at a time per database). */
  updateConcurrency?: number;
  /**
   * How long a terminal failure to reach the workspace or a grid (wrong password, unknown workspace, renamed grid)
   * is answered from memory, so a queue of writes does not repeat the same calls (default: the poll interval).
   */
  failureHoldMs?: number;
}

interface Grid {
  spec: DatabaseSpec;
  viewId: string;
  databaseId: string;
  fields: RemoteField[];
  fieldsAt: number;
  /** key → row id, including rows people added in the UI; built on first use, refreshed by readRows and watch. */
  index: Map<string, string> | undefined;
  /** Creation is serialised per database: concurrent creates make the server lose rows from the views (API.md 9). */
  creating: Promise<unknown>;
  verified: boolean;
}

const FieldsSchema = z.array(
  z.object({
    id: z.string(),
    name: z.string(),
    field_type: z.string(),
    is_primary: z.boolean().default(false),
    type_option: z.record(z.string(), z.unknown()).nullable().default({}),
  }),
);
const RowIdsSchema = z.array(z.object({ id: z.string() }));
const DetailsSchema = z.array(z.object({ id: z.string(), cells: z.record(z.string(), z.unknown()).default({}) }));
const UpdatedSchema = z.array(z.object({ row_id: z.string(), updated_at: z.string() }));
const CollabSchema = z.object({ doc_state: z.array(z.number()), state_vector: z.array(z.number()).optional() });
const DETAIL_BATCH = 100;
const TRACKER_DB = "ai_tracker_database";
const TRACKER_PAGE = "ai_tracker_page";

/**
 * The tracker's databases as grids in an AppFlowy Cloud workspace: one folder page holding a grid per database,
 * rows upserted with pre_hash = the row's key, rows people added in the UI updated through the row collab, pages
 * as documents under the folder. Every write is checked against the grid's fields first, because the server
 * drops cells it does not know without a word.
 */
export class AppFlowyWorkspace implements Workspace {
  readonly kind = "appflowy" as const;
  readonly client: AppFlowyClient;
  private readonly config: AppFlowyWorkspaceConfig;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly pollMs: number;
  private readonly updates: Limiter;
  private readonly grids = new Map<string, Promise<Grid>>();
  private resolved: Promise<{ workspaceId: string; folderId: string }> | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly failureHoldMs: number;

  constructor(options: AppFlowyWorkspaceOptions) {
    this.config = options.config;
    this.log = options.logger.child({ module: "workspace", adapter: "appflowy" });
    this.now = options.now ?? Date.now;
    this.pollMs = parseDuration(options.config.pollInterval) ?? 30_000;
    this.updates = new Limiter(options.updateConcurrency ?? 8);
    this.failureHoldMs = options.failureHoldMs ?? this.pollMs;
    this.client = new AppFlowyClient({
      url: options.config.url,
      email: options.config.email,
      password: options.config.password,
      clientVersion: options.config.clientVersion,
      deviceId: options.deviceId,
      fetch: options.fetch,
      logger: options.logger,
      now: this.now,
      requestTimeoutMs: parseDuration(options.config.requestTimeout),
    });
  }

  async ensureDatabase(spec: DatabaseSpec): Promise<void> {
    return this.track(async () => {
      const cached = this.grids.get(spec.name);
      const grid = cached ? await cached.catch(() => undefined) : undefined;
      if (grid) {
        grid.spec = spec;
        await this.checkFields(grid, true);
        return;
      }
      await this.remember(this.grids, spec.name, this.openGrid(spec, true));
    });
  }

  async upsertRow(database: string, key: string, write: RowWrite): Promise<void> {
    return this.track(async () => {
      const grid = await this.grid(database);
      const { spec } = grid;
      checkCells(spec, write.set ?? {}, "tracker");
      checkCells(spec, write.seed ?? {}, "any");
      if (!key) throw new WorkspaceWriteError(database, spec.keyField, "a row needs a non-empty key");
      await this.checkFields(grid, false);
      const index = await this.rowIndex(grid);
      const { workspaceId } = await this.resolve();
      const ownId = preHashRowId(workspaceId, grid.databaseId, key);
      const rowId = index.get(key);
      try {
        if (rowId && rowId !== ownId) return await this.updates.run(() => this.updateUiRow(grid, rowId, write.set ?? {}));
        if (rowId === ownId) return await this.updates.run(() => this.put(grid, key, write.set ?? {}));
        const creating = grid.creating.then(() => this.create(grid, key, ownId, write));
        grid.creating = creating.catch(() => undefined);
        await creating;
      } catch (err) {
        throw this.explain(err, grid, { ...write.seed, ...write.set });
      }
    });
  }

  async readRows(database: string): Promise<Row[]> {
    return this.track(async () => {
      const grid = await this.grid(database);
      await this.checkFields(grid, false);
      const { workspaceId } = await this.resolve();
      const ids = parseOrThrow(RowIdsSchema, await this.client.api("GET", `/api/workspace/${workspaceId}/database/${grid.databaseId}/row`), "GET …/row").map((r) => r.id);
      const rows: Row[] = [];
      const index = new Map<string, string>();
      for (const detail of await this.details(grid, ids)) {
        const cells = cellsFromDetail(grid.fields, detail.cells);
        const key = rowKey(grid.spec, grid.fields, cells);
        if (key === undefined) continue; // an empty row, such as the three a new grid starts with
        if (index.has(key)) {
          this.log.warn({ database, key, rows: [index.get(key), detail.id] }, "two rows share a key; the first is used");
          continue;
        }
        index.set(key, detail.id);
        rows.push({ key, cells });
      }
      grid.index = index;
      return rows.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    });
  }

  async writePage(page: PageSpec): Promise<void> {
    return this.track(async () => {
      if (!page.key) throw new WorkspaceWriteError("pages", "key", "a page needs a non-empty key");
      const { workspaceId, folderId } = await this.resolve();
      const digest = createHash("sha256").update(`${page.title}\u0000${page.markdown}`).digest("hex").slice(0, 16);
      // The view id follows from the key and content, so a retry after a timeout finds the page it already made.
      const viewId = stableUuid(workspaceId, "page", page.key, digest);
      const children = (await folderTree(this.client, workspaceId, folderId, 1)).children;
      const same = children.filter((c) => c.layout === 0 && c.extra?.[TRACKER_PAGE] === page.key);
      if (!children.some((c) => c.view_id === viewId)) {
        const body = { parent_view_id: folderId, layout: 0, name: page.title, view_id: viewId, page_data: markdownToPageData(page.markdown) };
        try {
          await this.client.api("POST", `/api/workspace/${workspaceId}/page-view`, { body });
        } catch (err) {
          if (!(err instanceof AppFlowyError && err.appCode === -3)) throw this.explainPage(err, page);
        }
      }
      const extra = JSON.stringify({ [TRACKER_PAGE]: page.key, written_at: new Date(this.now()).toISOString() });
      await this.client.api("POST", `/api/workspace/${workspaceId}/page-view/${viewId}/update-extra`, { body: { extra } });
      for (const old of same.filter((c) => c.view_id !== viewId)) {
        await this.client.api("POST", `/api/workspace/${workspaceId}/page-view/${old.view_id}/move-to-trash`);
      }
    });
  }

  async readPages(): Promise<(PageSpec & { updatedAt: number })[]> {
    return this.track(async () => {
      const { workspaceId, folderId } = await this.resolve();
      const pages = (await folderTree(this.client, workspaceId, folderId, 1)).children.filter((c) => c.layout === 0 && typeof c.extra?.[TRACKER_PAGE] === "string");
      const out: (PageSpec & { updatedAt: number })[] = [];
      for (const p of pages) {
        const collab = parseOrThrow(
          CollabSchema,
          await this.client.api("GET", `/api/workspace/v1/${workspaceId}/collab/${p.view_id}`, { query: { collab_type: 0 } }),
          "GET …/collab/{doc}",
        );
        const written = Date.parse(String(p.extra?.written_at ?? p.last_edited_time ?? ""));
        out.push({ key: String(p.extra![TRACKER_PAGE]), title: p.name, markdown: blocksToMarkdown(documentBlocks(new Uint8Array(collab.doc_state))), updatedAt: Number.isNaN(written) ? 0 : written });
      }
      return out.sort((a, b) => b.updatedAt - a.updatedAt);
    });
  }

  async listDatabases(): Promise<DatabaseSummary[]> {
    const { workspaceId, folderId } = await this.resolve();
    const grids = (await folderTree(this.client, workspaceId, folderId, 1)).children.filter((c) => c.layout === 1 && typeof c.extra?.[TRACKER_DB] === "string");
    const out: DatabaseSummary[] = [];
    for (const g of grids) {
      const name = String(g.extra![TRACKER_DB]);
      out.push({ name, rows: (await this.readRows(name)).length });
    }
    return out;
  }

  watch(database: string, onChange: () => void): () => void {
    let after = new Date(this.now()).toISOString();
    let busy = false;
    const poll = async (): Promise<void> => {
      if (busy) return;
      busy = true;
      try {
        const grid = await this.grid(database);
        const { workspaceId } = await this.resolve();
        const changed = parseOrThrow(
          UpdatedSchema,
          await this.client.api("GET", `/api/workspace/${workspaceId}/database/${grid.databaseId}/row/updated`, { query: { after } }),
          "GET …/row/updated",
        );
        if (changed.length === 0) return;
        after = changed.map((c) => c.updated_at).reduce((a, b) => (Date.parse(b) > Date.parse(a) ? b : a), after);
        await this.indexRows(grid, changed.map((c) => c.row_id));
        onChange();
      } catch (err) {
        this.log.warn({ database, err: (err as Error).message }, "polling for changes failed");
      } finally {
        busy = false;
      }
    };
    const timer = setInterval(() => void poll(), this.pollMs);
    this.timers.add(timer);
    return () => {
      clearInterval(timer);
      this.timers.delete(timer);
    };
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await Promise.allSettled([...this.inFlight]);
  }

  // ---- resolution ----

  /** The workspace and the folder page (created when missing) that hold the grids. */
  private resolve(): Promise<{ workspaceId: string; folderId: string }> {
    if (!this.resolved) {
      const finding = this.findFolder();
      this.resolved = finding;
      finding.catch((err: unknown) => this.forgetLater(err, () => this.resolved === finding && (this.resolved = undefined)));
    }
    return this.resolved;
  }

  private async findFolder(): Promise<{ workspaceId: string; folderId: string }> {
    const ws = await findWorkspace(this.client, this.config.workspace);
    const tree = await folderTree(this.client, ws.id, undefined, 2);
    const candidates = [tree, ...tree.children, ...tree.children.flatMap((c) => c.children)];
    const found = candidates.find((v) => v.name === this.config.folder && v.layout === 0 && !v.is_space && v.view_id !== ws.id);
    if (found) return { workspaceId: ws.id, folderId: found.view_id };
    const parent = tree.children.find((c) => c.is_space)?.view_id ?? ws.id;
    const viewId = randomUUID();
    await this.createView(ws.id, { parent_view_id: parent, layout: 0, name: this.config.folder, view_id: viewId, page_data: markdownToPageData(`Written by the AI tracker: one grid per database. Team-owned fields (Criteria, Owner, Description…) are yours to edit; the tracker never overwrites them.`) }, parent, (v) => v.view_id === viewId);
    this.log.info({ workspace: ws.name, folder: this.config.folder }, "folder page created");
    return { workspaceId: ws.id, folderId: viewId };
  }

  /** Creates a view; after a retryable failure (a 2 s collab timeout, code 1017) looks whether it landed anyway. */
  private async createView(workspaceId: string, body: Record<string, unknown>, parentId: string, isIt: (v: FolderView) => boolean): Promise<string> {
    try {
      const data = await this.client.api<{ view_id: string }>("POST", `/api/workspace/${workspaceId}/page-view`, { body });
      return data.view_id;
    } catch (err) {
      if (!(err instanceof AppFlowyError) || !err.retryable) throw err;
      const landed = (await folderTree(this.client, workspaceId, parentId, 1).catch(() => undefined))?.children.find(isIt);
      if (landed) return landed.view_id;
      throw err;
    }
  }

  private async grid(database: string): Promise<Grid> {
    const cached = this.grids.get(database);
    if (cached) return cached;
    const spec = DATABASES.find((d) => d.name === database);
    if (!spec) throw new WorkspaceWriteError(database, undefined, "no such database in the workspace (ensureDatabase first)");
    return this.remember(this.grids, database, this.openGrid(spec, false));
  }

  /** Caches a grid being opened; a failure is forgotten at once if retryable, after a while if terminal. */
  private remember(cache: Map<string, Promise<Grid>>, name: string, opening: Promise<Grid>): Promise<Grid> {
    cache.set(name, opening);
    opening.catch((err: unknown) => this.forgetLater(err, () => cache.get(name) === opening && cache.delete(name)));
    return opening;
  }

  private forgetLater(err: unknown, forget: () => unknown): void {
    const terminal = (err as { retryable?: unknown }).retryable === false || (err instanceof TrackerError && err.code === "WORKSPACE_INVALID");
    if (!terminal) return void forget();
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      forget();
    }, this.failureHoldMs);
    timer.unref();
    this.timers.add(timer);
  }

  private async openGrid(spec: DatabaseSpec, create: boolean): Promise<Grid> {
    const { workspaceId, folderId } = await this.resolve();
    const children = (await folderTree(this.client, workspaceId, folderId, 1)).children.filter((c) => c.layout === 1);
    const mine = children.find((c) => c.extra?.[TRACKER_DB] === spec.name);
    if (mine && mine.name !== spec.name) {
      throw new WorkspaceWriteError(spec.name, undefined, `its grid was renamed to "${mine.name}" in AppFlowy; rename it back to "${spec.name}" (the tracker finds grids by name)`);
    }
    let view = mine ?? children.find((c) => c.name === spec.name);
    let created = false;
    if (!view) {
      if (!create) throw new WorkspaceWriteError(spec.name, undefined, `no grid named "${spec.name}" under "${this.config.folder}" (ensureDatabase first, or was it renamed?)`);
      const viewId = await this.createView(workspaceId, { parent_view_id: folderId, layout: 1, name: spec.name }, folderId, (v) => v.layout === 1 && v.name === spec.name);
      view = { view_id: viewId, name: spec.name, layout: 1, is_space: false, extra: null, children: [] };
      created = true;
    }
    if (view.extra?.[TRACKER_DB] !== spec.name) {
      await this.client.api("POST", `/api/workspace/${workspaceId}/page-view/${view.view_id}/update-extra`, { body: { extra: JSON.stringify({ ...view.extra, [TRACKER_DB]: spec.name }) } });
    }
    const databaseId = await databaseIdOfView(this.client, workspaceId, view.view_id);
    if (!databaseId) throw new WorkspaceWriteError(spec.name, undefined, `grid view ${view.view_id} has no database in GET /database (in the trash?)`);
    const grid: Grid = { spec, viewId: view.view_id, databaseId, fields: [], fieldsAt: 0, index: undefined, creating: Promise.resolve(), verified: false };
    await this.checkFields(grid, create);
    if (created) await this.dropStarterRows(grid);
    this.log.info({ database: spec.name, created }, "grid ready");
    return grid;
  }

  /**
   * Reads the grid's fields (at most once per poll interval unless forced). With `fix`, adds missing fields and
   * select options; a field a person retyped is always an error naming the database and field.
   */
  private async checkFields(grid: Grid, fix: boolean): Promise<void> {
    if (!fix && this.now() - grid.fieldsAt < this.pollMs) return;
    const { workspaceId } = await this.resolve();
    grid.fields = await this.fetchFields(workspaceId, grid.databaseId);
    grid.fieldsAt = this.now();
    const problems = compareFields(grid.spec, grid.fields);
    const retyped = problems.find((p) => p.problem === "retyped");
    if (retyped) throw new WorkspaceWriteError(grid.spec.name, retyped.field, retyped.detail);
    if (!fix || problems.length === 0) return;
    for (const p of problems.filter((x) => x.problem === "missing")) {
      const field = grid.spec.fields.find((f) => f.name === p.field)!;
      await this.client.api("POST", `/api/workspace/${workspaceId}/database/${grid.databaseId}/fields`, { body: fieldCreateBody(field) });
    }
    const lacking = problems.filter((x) => x.problem === "options-missing");
    if (lacking.length > 0) await this.addOptions(grid, lacking.map((x) => x.field));
    grid.fields = await this.fetchFields(workspaceId, grid.databaseId);
    const left = compareFields(grid.spec, grid.fields)[0];
    if (left) throw new WorkspaceWriteError(grid.spec.name, left.field, `still ${left.problem} after fixing: ${left.detail}`);
    this.log.info({ database: grid.spec.name, added: problems.map((p) => p.field) }, "grid fields completed");
  }

  /** The grid's fields as the server lists them (read only). */
  async fetchFields(workspaceId: string, databaseId: string): Promise<RemoteField[]> {
    const list = parseOrThrow(FieldsSchema, await this.client.api("GET", `/api/workspace/${workspaceId}/database/${databaseId}/fields`), "GET …/fields");
    return list.map((f) => {
      const content = (f.type_option ?? {}).content as { options?: { id: string; name: string; color: string }[] } | undefined;
      return { id: f.id, name: f.name, fieldType: f.field_type, isPrimary: f.is_primary, options: Array.isArray(content?.options) ? content.options : [] };
    });
  }

  /** Select options cannot be added over REST (API.md 6.3): edit the database collab instead. */
  private async addOptions(grid: Grid, fieldNames: string[]): Promise<void> {
    const { workspaceId } = await this.resolve();
    const state = await this.collab(workspaceId, grid.databaseId, 1);
    const wanted = Object.fromEntries(fieldNames.map((n) => [grid.fields.find((f) => f.name === n)!.id, { name: n, options: grid.spec.fields.find((f) => f.name === n)!.options ?? [] }]));
    const update = addSelectOptionsUpdate(state, wanted);
    await this.client.api("POST", `/api/workspace/v1/${workspaceId}/collab/${grid.databaseId}/web-update`, { body: { doc_state: [...update], collab_type: 1 } });
  }

  /** A new grid comes with three empty rows that REST cannot delete; take them out of the views as the UI does. */
  private async dropStarterRows(grid: Grid): Promise<void> {
    const { workspaceId } = await this.resolve();
    try {
      const state = await this.collab(workspaceId, grid.databaseId, 1);
      await this.client.api("POST", `/api/workspace/v1/${workspaceId}/collab/${grid.databaseId}/web-update`, { body: { doc_state: [...removeRowOrdersUpdate(state)], collab_type: 1 } });
    } catch (err) {
      this.log.warn({ database: grid.spec.name, err: (err as Error).message }, "could not remove the starter rows of a new grid");
    }
  }

  private async collab(workspaceId: string, objectId: string, collabType: number): Promise<Uint8Array> {
    const data = parseOrThrow(CollabSchema, await this.client.api("GET", `/api/workspace/v1/${workspaceId}/collab/${objectId}`, { query: { collab_type: collabType } }), "GET …/collab/{id}");
    return new Uint8Array(data.doc_state);
  }

  // ---- rows ----

  private async rowIndex(grid: Grid): Promise<Map<string, string>> {
    if (grid.index) return grid.index;
    const { workspaceId } = await this.resolve();
    const ids = parseOrThrow(RowIdsSchema, await this.client.api("GET", `/api/workspace/${workspaceId}/database/${grid.databaseId}/row`), "GET …/row").map((r) => r.id);
    grid.index = new Map();
    await this.indexRows(grid, ids);
    return grid.index;
  }

  private async indexRows(grid: Grid, ids: string[]): Promise<void> {
    if (!grid.index) return;
    for (const d of await this.details(grid, ids)) {
      const key = rowKey(grid.spec, grid.fields, cellsFromDetail(grid.fields, d.cells));
      if (key !== undefined && !grid.index.has(key)) grid.index.set(key, d.id);
    }
  }

  private async details(grid: Grid, ids: string[]): Promise<{ id: string; cells: Record<string, unknown> }[]> {
    const { workspaceId } = await this.resolve();
    const batches: string[][] = [];
    for (let i = 0; i < ids.length; i += DETAIL_BATCH) batches.push(ids.slice(i, i + DETAIL_BATCH));
    const reader = new Limiter(4);
    const results = await Promise.all(
      batches.map((batch) =>
        reader.run(async () =>
          parseOrThrow(DetailsSchema, await this.client.api("GET", `/api/workspace/${workspaceId}/database/${grid.databaseId}/row/detail`, { query: { ids: batch.join(",") } }), "GET …/row/detail"),
        ),
      ),
    );
    return results.flat();
  }

  private async put(grid: Grid, key: string, cells: Cells): Promise<void> {
    const { workspaceId } = await this.resolve();
    const body = { pre_hash: key, cells: cellsByFieldId(grid.spec, grid.fields, cells) };
    await this.client.api("PUT", `/api/workspace/${workspaceId}/database/${grid.databaseId}/row`, { body });
  }

  private async create(grid: Grid, key: string, ownId: string, write: RowWrite): Promise<void> {
    const index = grid.index!;
    const existing = index.get(key);
    if (existing && existing !== ownId) return this.updateUiRow(grid, existing, write.set ?? {});
    const { workspaceId } = await this.resolve();
    let cells: Cells = { ...write.set };
    if (!existing) {
      // Another writer (a restart, another host) may have created it: seed only a row that does not exist yet.
      const found = Object.keys(write.seed ?? {}).length > 0 ? await this.details(grid, [ownId]) : [];
      if (found.length === 0) cells = { ...write.seed, ...write.set, [grid.spec.keyField]: key };
    }
    const byId = cellsByFieldId(grid.spec, grid.fields, cells);
    const primary = grid.fields.find((f) => f.isPrimary);
    if (primary && !grid.spec.fields.some((f) => f.name === primary.name) && primary.fieldType === "RichText") byId[primary.id] = key;
    await this.client.api("PUT", `/api/workspace/${workspaceId}/database/${grid.databaseId}/row`, { body: { pre_hash: key, cells: byId } });
    index.set(key, ownId);
    if (!grid.verified) {
      await this.verifyRow(grid, ownId, cells);
      grid.verified = true;
    }
  }

  /** Reads the first row written to a grid back: a cell the server dropped means the grid is not what we think. */
  private async verifyRow(grid: Grid, rowId: string, written: Cells): Promise<void> {
    const [detail] = await this.details(grid, [rowId]);
    if (!detail) throw new WorkspaceWriteError(grid.spec.name, undefined, `row ${rowId} was written but cannot be read back`);
    const back = cellsFromDetail(grid.fields, detail.cells);
    for (const [name, value] of Object.entries(written)) {
      const field = grid.spec.fields.find((f) => f.name === name)!;
      const expect = fromAppFlowyCell(grid.fields.find((f) => f.name === name)?.fieldType ?? "RichText", roundTrip(field.type, value));
      if (JSON.stringify(back[name] ?? null) !== JSON.stringify(expect)) {
        grid.fieldsAt = 0;
        throw new WorkspaceWriteError(grid.spec.name, name, `written ${JSON.stringify(value)} but read back ${JSON.stringify(back[name] ?? null)}: the server did not keep it (field renamed or retyped in AppFlowy?)`);
      }
    }
  }

  /** A row a person created in the UI has a random id, which `PUT …/row` cannot reach: edit its collab (API.md 8). */
  private async updateUiRow(grid: Grid, rowId: string, set: Cells): Promise<void> {
    if (Object.keys(set).length === 0) return;
    cellsByFieldId(grid.spec, grid.fields, set);
    const { workspaceId } = await this.resolve();
    const cells: Record<string, Record<string, unknown>> = {};
    for (const [name, value] of Object.entries(set)) {
      const remote = grid.fields.find((f) => f.name === name)!;
      cells[remote.id] = toCollabCell(grid.spec.fields.find((f) => f.name === name)!.type, value, remote);
    }
    const update = rowCellsUpdate(await this.collab(workspaceId, rowId, 4), cells, this.now());
    await this.client.api("POST", `/api/workspace/v1/${workspaceId}/collab/${rowId}/web-update`, { body: { doc_state: [...update], collab_type: 4 } });
  }

  /** A 413 names the field that made the row too big; other errors pass through. */
  private explain(err: unknown, grid: Grid, cells: Cells): unknown {
    if (!(err instanceof AppFlowyError) || err.kind !== "too-large") return err;
    const biggest = Object.entries(cells).sort((a, b) => JSON.stringify(b[1]).length - JSON.stringify(a[1]).length)[0];
    return new WorkspaceWriteError(grid.spec.name, biggest?.[0], `the row is too large for AppFlowy (${JSON.stringify(cells).length} bytes of cells; ${err.message})`);
  }

  private explainPage(err: unknown, page: PageSpec): unknown {
    if (!(err instanceof AppFlowyError) || err.kind !== "too-large") return err;
    return new WorkspaceWriteError("pages", page.key, `the page is too large for AppFlowy (${page.markdown.length} characters; ${err.message})`);
  }

  private async track<T>(work: () => Promise<T>): Promise<T> {
    const p = work();
    this.inFlight.add(p);
    try {
      return await p;
    } finally {
      this.inFlight.delete(p);
    }
  }
}

/** What the server gives back for a value we write (dates to the second, null as the type's empty value). */
function roundTrip(type: Parameters<typeof toAppFlowyCell>[0], value: Cells[string]): unknown {
  if (type === "date") return value === null ? null : { start: new Date(Math.floor(Date.parse(String(value)) / 1000) * 1000).toISOString() };
  if (type === "number") return value === null ? "" : String(value);
  return toAppFlowyCell(type, value);
}

