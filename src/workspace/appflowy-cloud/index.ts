import { createHash, randomUUID } from "node:crypto";
import { z } from "zod";
import { parseDuration } from "../../shared/duration.ts";
import { TrackerError } from "../../shared/errors.ts";
import type { Logger } from "../../shared/logger.ts";
import { checkCells } from "../check-cells.ts";
import { DATABASES } from "../databases.ts";
import type { DatabaseSpec, DatabaseSummary, PageSpec, Row, RowWrite, Workspace } from "../workspace.ts";
import type { AppFlowyWorkspaceConfig } from "../workspace-config.ts";
import { WorkspaceWriteError } from "../workspace-error.ts";
import { AppFlowyError } from "./appflowy-error.ts";
import { AppFlowyClient } from "./client.ts";
import { documentBlocks } from "./collab.ts";
import { createView, findFolderPage, findWorkspace, folderTree, parseOrThrow } from "./folder.ts";
import { checkFields, openGrid, readCollab, TRACKER_DB, type Grid, type GridEnv } from "./grid.ts";
import { createRow, explainTooLarge, indexRows, listRowIds, putRow, removeRows, rowDetails, rowIndex, updateUiRow } from "./grid-rows.ts";
import { Limiter } from "./limiter.ts";
import { cellsFromDetail, preHashRowId, rowKey, stableUuid } from "./mapping.ts";
import { blocksToMarkdown, markdownToPageData } from "./page-blocks.ts";

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

const UpdatedSchema = z.array(z.object({ row_id: z.string(), updated_at: z.string() }));
/** Marks the tracker's pages in their view `extra` with their key, so a page is replaced rather than duplicated. */
const TRACKER_PAGE = "ai_tracker_page";

/**
 * The tracker's databases as grids in an AppFlowy Cloud workspace: one folder page holding a grid per database,
 * rows upserted with pre_hash = the row's key, rows people added in the UI updated through the row collab, rows
 * deleted by taking them out of the views in the database collab, pages as documents under the folder. Every write is checked against the grid's fields first, because the server
 * drops cells it does not know without a word.
 */
export class AppFlowyWorkspace implements Workspace {
  readonly kind = "appflowy" as const;
  readonly client: AppFlowyClient;
  private readonly config: AppFlowyWorkspaceConfig;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly pollMs: number;
  private readonly failureHoldMs: number;
  private readonly updates: Limiter;
  private readonly grids = new Map<string, Promise<Grid>>();
  /** Specs passed to ensureDatabase, kept even when it failed, so the first write can finish the job. */
  private readonly specs = new Map<string, DatabaseSpec>(DATABASES.map((d) => [d.name, d]));
  private resolved: Promise<GridEnv> | undefined;
  /** Grids and the workspace once open, for rowUrl(), which must answer at once. */
  private readonly openGrids = new Map<string, Grid>();
  private workspaceId: string | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(options: AppFlowyWorkspaceOptions) {
    this.config = options.config;
    this.log = options.logger.child({ module: "workspace", adapter: "appflowy" });
    this.now = options.now ?? Date.now;
    this.pollMs = parseDuration(options.config.pollInterval) ?? 30_000;
    this.failureHoldMs = options.failureHoldMs ?? this.pollMs;
    this.updates = new Limiter(options.updateConcurrency ?? 8);
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
      this.specs.set(spec.name, spec);
      const env = await this.env();
      const cached = this.grids.get(spec.name);
      const grid = cached ? await cached.catch(() => undefined) : undefined;
      if (!grid) return void (await this.remember(spec.name, openGrid(env, spec, true)));
      grid.spec = spec;
      await checkFields(env, grid, true);
    });
  }

  async upsertRow(database: string, key: string, write: RowWrite): Promise<void> {
    return this.track(async () => {
      const env = await this.env();
      const grid = await this.grid(env, database, true);
      const { spec } = grid;
      checkCells(spec, write.set ?? {}, "tracker");
      checkCells(spec, write.seed ?? {}, "any");
      if (!key) throw new WorkspaceWriteError(database, spec.keyField, "a row needs a non-empty key");
      await checkFields(env, grid, false);
      const index = await rowIndex(env, grid);
      const ownId = preHashRowId(env.workspaceId, grid.databaseId, key);
      const rowId = index.get(key);
      try {
        if (rowId && rowId !== ownId) return await this.updates.run(() => updateUiRow(env, grid, rowId, write.set ?? {}));
        if (rowId === ownId) return await this.updates.run(() => putRow(env, grid, key, write.set ?? {}));
        const creating = grid.creating.then(() => createRow(env, grid, key, ownId, write));
        grid.creating = creating.catch(() => undefined);
        await creating;
      } catch (err) {
        throw explainTooLarge(err, database, { ...write.seed, ...write.set });
      }
    });
  }

  async deleteRow(database: string, key: string): Promise<void> {
    return this.track(async () => {
      const env = await this.env();
      const grid = await this.grid(env, database);
      const index = await rowIndex(env, grid);
      const rowId = index.get(key);
      // The index lists every row in the views (refreshed by readRows and watch): a key it lacks has no row to remove.
      if (!rowId) return;
      await removeRows(env, grid, [rowId, preHashRowId(env.workspaceId, grid.databaseId, key)]);
      index.delete(key);
    });
  }

  async readRows(database: string): Promise<Row[]> {
    return this.track(async () => {
      const env = await this.env();
      const grid = await this.grid(env, database);
      await checkFields(env, grid, false);
      const rows: Row[] = [];
      // The index is refreshed from the same read: rows people added or deleted in the UI are known from here on.
      await grid.index.refresh(async () => {
        const index = new Map<string, string>();
        for (const detail of await rowDetails(env, grid, await listRowIds(env, grid))) {
          const cells = cellsFromDetail(grid.fields, detail.cells);
          const key = rowKey(grid.spec, grid.fields, cells);
          if (key === undefined) continue; // an empty row, such as one a person has just added
          if (index.has(key)) {
            this.log.warn({ database, key, rows: [index.get(key), detail.id] }, "two rows share a key; the first is used");
            continue;
          }
          index.set(key, detail.id);
          rows.push({ key, cells });
        }
        return [...index];
      }, "replace");
      return rows.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    });
  }

  async writePage(page: PageSpec): Promise<void> {
    return this.track(async () => {
      if (!page.key) throw new WorkspaceWriteError("pages", "key", "a page needs a non-empty key");
      const { client, workspaceId, folderId } = await this.env();
      const digest = createHash("sha256").update(`${page.title}\u0000${page.markdown}`).digest("hex").slice(0, 16);
      // The view id follows from the key and content, so a retry after a timeout finds the page it already made.
      const viewId = stableUuid(workspaceId, "page", page.key, digest);
      const children = (await folderTree(client, workspaceId, folderId, 1)).children;
      const same = children.filter((c) => c.layout === 0 && c.extra?.[TRACKER_PAGE] === page.key);
      if (!children.some((c) => c.view_id === viewId)) {
        const body = { parent_view_id: folderId, layout: 0, name: page.title, view_id: viewId, page_data: markdownToPageData(page.markdown) };
        try {
          await client.api("POST", `/api/workspace/${workspaceId}/page-view`, { body });
        } catch (err) {
          if (err instanceof AppFlowyError && err.kind === "too-large") {
            throw new WorkspaceWriteError("pages", page.key, `the page is too large for AppFlowy (${page.markdown.length} characters; ${err.message})`);
          }
          if (!(err instanceof AppFlowyError && err.appCode === -3)) throw err;
        }
      }
      const extra = JSON.stringify({ [TRACKER_PAGE]: page.key, written_at: new Date(this.now()).toISOString() });
      await client.api("POST", `/api/workspace/${workspaceId}/page-view/${viewId}/update-extra`, { body: { extra } });
      for (const old of same.filter((c) => c.view_id !== viewId)) {
        await client.api("POST", `/api/workspace/${workspaceId}/page-view/${old.view_id}/move-to-trash`);
      }
    });
  }

  async readPages(): Promise<(PageSpec & { updatedAt: number })[]> {
    return this.track(async () => {
      const { client, workspaceId, folderId } = await this.env();
      const pages = (await folderTree(client, workspaceId, folderId, 1)).children.filter((c) => c.layout === 0 && typeof c.extra?.[TRACKER_PAGE] === "string");
      const out: (PageSpec & { updatedAt: number })[] = [];
      for (const p of pages) {
        const markdown = blocksToMarkdown(documentBlocks(await readCollab(client, workspaceId, p.view_id, 0)));
        const written = Date.parse(String(p.extra?.written_at ?? p.last_edited_time ?? ""));
        out.push({ key: String(p.extra![TRACKER_PAGE]), title: p.name, markdown, updatedAt: Number.isNaN(written) ? 0 : written });
      }
      return out.sort((a, b) => b.updatedAt - a.updatedAt);
    });
  }

  async listDatabases(): Promise<DatabaseSummary[]> {
    const { client, workspaceId, folderId } = await this.env();
    const grids = (await folderTree(client, workspaceId, folderId, 1)).children.filter((c) => c.layout === 1 && typeof c.extra?.[TRACKER_DB] === "string");
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
        const env = await this.env();
        const grid = await this.grid(env, database);
        const path = `/api/workspace/${env.workspaceId}/database/${grid.databaseId}/row/updated`;
        const changed = parseOrThrow(UpdatedSchema, await env.client.api("GET", path, { query: { after } }), "GET …/row/updated");
        if (changed.length === 0) return;
        after = changed.map((c) => c.updated_at).reduce((a, b) => (Date.parse(b) > Date.parse(a) ? b : a), after);
        await indexRows(env, grid, changed.map((c) => c.row_id));
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

  /**
   * Where a row opens in AppFlowy's web app: its grid's page (/app/{workspace}/{view}), with the row id as `r`
   * (the row parameter AppFlowy Web reads is unconfirmed; the grid page opens either way). Undefined until the
   * grid has been opened.
   */
  rowUrl(database: string, key: string): string | undefined {
    const grid = this.openGrids.get(database);
    if (!grid || !this.workspaceId) return undefined;
    const rowId = grid.index.get(key);
    const base = this.config.url.replace(/\/+$/, "");
    return `${base}/app/${this.workspaceId}/${grid.viewId}${rowId ? `?r=${rowId}` : ""}`;
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await Promise.allSettled([...this.inFlight]);
  }

  /** The resolved workspace and folder page (created when missing) that hold the grids. */
  private env(): Promise<GridEnv> {
    if (!this.resolved) {
      const finding = this.findFolder();
      this.resolved = finding;
      finding.catch((err: unknown) => this.forgetLater(err, () => this.resolved === finding && (this.resolved = undefined)));
    }
    return this.resolved;
  }

  private async findFolder(): Promise<GridEnv> {
    const { client } = this;
    const ws = await findWorkspace(client, this.config.workspace);
    this.workspaceId = ws.id;
    const env = (folderId: string): GridEnv => ({ client, workspaceId: ws.id, folderId, folderName: this.config.folder, log: this.log, now: this.now, pollMs: this.pollMs });
    const tree = await folderTree(client, ws.id, undefined, 2);
    const found = findFolderPage(tree, this.config.folder, ws.id);
    if (found) return env(found.view_id);
    const parent = tree.children.find((c) => c.is_space)?.view_id ?? ws.id;
    const viewId = randomUUID();
    const intro = "Written by the AI tracker: one grid per database. Team-owned fields (Criteria, Owner, Description…) are yours to edit; the tracker never overwrites them.";
    await createView(client, ws.id, { parent_view_id: parent, layout: 0, name: this.config.folder, view_id: viewId, page_data: markdownToPageData(intro) }, parent, (v) => v.view_id === viewId);
    this.log.info({ workspace: ws.name, folder: this.config.folder }, "folder page created");
    return env(viewId);
  }

  /**
   * The grid of a database. One that ensureDatabase could not finish (AppFlowy was down at start) or one of the
   * tracker's six is opened on first use, and created if missing when `create` (writes), so queued writes need no
   * restart to land.
   */
  private grid(env: GridEnv, database: string, create = false): Promise<Grid> {
    const cached = this.grids.get(database);
    if (cached) return cached;
    const spec = this.specs.get(database);
    if (!spec) return Promise.reject(new WorkspaceWriteError(database, undefined, "no such database in the workspace (ensureDatabase first)"));
    return this.remember(database, openGrid(env, spec, create));
  }

  /** Caches a grid being opened; a failure is forgotten at once if retryable, after a while if terminal. */
  private remember(name: string, opening: Promise<Grid>): Promise<Grid> {
    this.grids.set(name, opening);
    opening.then((g) => this.openGrids.set(name, g), () => this.openGrids.delete(name));
    opening.catch((err: unknown) => this.forgetLater(err, () => this.grids.get(name) === opening && this.grids.delete(name)));
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
