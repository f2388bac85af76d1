import { z } from "zod";
import type { Logger } from "../../shared/logger.ts";
import type { DatabaseSpec } from "../workspace.ts";
import { WorkspaceWriteError } from "../workspace-error.ts";
import type { AppFlowyClient } from "./client.ts";
import { addSelectOptionsUpdate, removeRowOrdersUpdate } from "./database-collab.ts";
import { createView, databaseIdOfView, folderTree, parseOrThrow, type FolderView } from "./folder.ts";
import { compareFields, fieldCreateBody, type RemoteField } from "./mapping.ts";
import { RowIndex } from "./row-index.ts";

/** What grid and row operations need: the client, the resolved workspace, and the adapter's clock and logger. */
export interface GridEnv {
  client: AppFlowyClient;
  workspaceId: string;
  folderId: string;
  folderName: string;
  log: Logger;
  now: () => number;
  /** Fields are re-read at most this often before writes. */
  pollMs: number;
}

/** One of the tracker's databases as a grid in AppFlowy, with what the adapter caches about it. */
export interface Grid {
  spec: DatabaseSpec;
  viewId: string;
  databaseId: string;
  fields: RemoteField[];
  fieldsAt: number;
  /** key → row id, including rows people added in the UI; built on first use, refreshed by readRows and watch. */
  index: RowIndex;
  /**
   * Creations and deletions are serialised per database: the server rewrites every view when it creates a row
   * (API.md 9), losing rows another creation added meanwhile and bringing back rows a deletion took out.
   */
  creating: Promise<unknown>;
  /** Rows waiting for their turn to be taken out of the views, removed together in one collab edit. */
  removing: { ids: Set<string>; done: Promise<void> } | undefined;
  /** Whether the first row written in this process has been read back. */
  verified: boolean;
}

/** Marks the tracker's own grids in their view `extra`, so a renamed grid is recognised as renamed. */
export const TRACKER_DB = "ai_tracker_database";

const FieldsSchema = z.array(
  z.object({
    id: z.string(),
    name: z.string(),
    field_type: z.string(),
    is_primary: z.boolean().default(false),
    type_option: z.record(z.string(), z.unknown()).nullable().default({}),
  }),
);
const CollabSchema = z.object({ doc_state: z.array(z.number()) });

/** The grids directly under the folder page. */
export async function folderGrids(client: AppFlowyClient, workspaceId: string, folderId: string): Promise<FolderView[]> {
  return (await folderTree(client, workspaceId, folderId, 1)).children.filter((c) => c.layout === 1);
}

/**
 * The grid of database `name` among `grids`: the one marked as the tracker's, else the one so named; `renamedTo`
 * when a person renamed the marked one, which the tracker will not guess past.
 */
export function matchGrid(grids: readonly FolderView[], name: string): { view: FolderView } | { renamedTo: string } | undefined {
  const mine = grids.find((g) => g.extra?.[TRACKER_DB] === name);
  if (mine && mine.name !== name) return { renamedTo: mine.name };
  const view = mine ?? grids.find((g) => g.name === name);
  return view && { view };
}

/** Finds the grid of a database under the folder, creating it when `create` is set. */
export async function openGrid(env: GridEnv, spec: DatabaseSpec, create: boolean): Promise<Grid> {
  const { client, workspaceId, folderId } = env;
  const match = matchGrid(await folderGrids(client, workspaceId, folderId), spec.name);
  if (match && "renamedTo" in match) {
    throw new WorkspaceWriteError(spec.name, undefined, `its grid was renamed to "${match.renamedTo}" in AppFlowy; rename it back to "${spec.name}" (the tracker finds grids by name)`);
  }
  let view = match?.view;
  let created = false;
  if (!view) {
    if (!create) throw new WorkspaceWriteError(spec.name, undefined, `no grid named "${spec.name}" under "${env.folderName}" (ensureDatabase first, or was it renamed?)`);
    const viewId = await createView(client, workspaceId, { parent_view_id: folderId, layout: 1, name: spec.name }, folderId, (v) => v.layout === 1 && v.name === spec.name);
    view = { view_id: viewId, name: spec.name, layout: 1, is_space: false, extra: null, children: [] };
    created = true;
  }
  if (view.extra?.[TRACKER_DB] !== spec.name) {
    await client.api("POST", `/api/workspace/${workspaceId}/page-view/${view.view_id}/update-extra`, { body: { extra: JSON.stringify({ ...view.extra, [TRACKER_DB]: spec.name }) } });
  }
  const databaseId = await databaseIdOfView(client, workspaceId, view.view_id);
  if (!databaseId) throw new WorkspaceWriteError(spec.name, undefined, `grid view ${view.view_id} has no database in GET /database (in the trash?)`);
  const grid: Grid = { spec, viewId: view.view_id, databaseId, fields: [], fieldsAt: 0, index: new RowIndex(), creating: Promise.resolve(), removing: undefined, verified: false };
  await checkFields(env, grid, create);
  if (created) await dropStarterRows(env, grid);
  env.log.info({ database: spec.name, created }, "grid ready");
  return grid;
}

/**
 * Reads the grid's fields (at most once per poll interval unless `fix`). With `fix`, adds missing fields and
 * select options; a field a person retyped is always an error naming the database and field.
 */
export async function checkFields(env: GridEnv, grid: Grid, fix: boolean): Promise<void> {
  if (!fix && env.now() - grid.fieldsAt < env.pollMs) return;
  const { client, workspaceId } = env;
  grid.fields = await fetchFields(client, workspaceId, grid.databaseId);
  grid.fieldsAt = env.now();
  const problems = compareFields(grid.spec, grid.fields);
  const retyped = problems.find((p) => p.problem === "retyped");
  if (retyped) throw new WorkspaceWriteError(grid.spec.name, retyped.field, retyped.detail);
  if (!fix || problems.length === 0) return;
  for (const p of problems.filter((x) => x.problem === "missing")) {
    const field = grid.spec.fields.find((f) => f.name === p.field)!;
    await client.api("POST", `/api/workspace/${workspaceId}/database/${grid.databaseId}/fields`, { body: fieldCreateBody(field) });
  }
  const lacking = problems.filter((x) => x.problem === "options-missing").map((x) => x.field);
  if (lacking.length > 0) {
    // Select options cannot be added over REST (API.md 6.3): edit the database collab instead.
    const wanted = Object.fromEntries(lacking.map((n) => [grid.fields.find((f) => f.name === n)!.id, { name: n, options: grid.spec.fields.find((f) => f.name === n)!.options ?? [] }]));
    await webUpdate(client, workspaceId, grid.databaseId, 1, addSelectOptionsUpdate(await readCollab(client, workspaceId, grid.databaseId, 1), wanted));
  }
  grid.fields = await fetchFields(client, workspaceId, grid.databaseId);
  const left = compareFields(grid.spec, grid.fields)[0];
  if (left) throw new WorkspaceWriteError(grid.spec.name, left.field, `still ${left.problem} after fixing: ${left.detail}`);
  env.log.info({ database: grid.spec.name, added: problems.map((p) => p.field) }, "grid fields completed");
}

/** The grid's fields as the server lists them (read only). */
export async function fetchFields(client: AppFlowyClient, workspaceId: string, databaseId: string): Promise<RemoteField[]> {
  const list = parseOrThrow(FieldsSchema, await client.api("GET", `/api/workspace/${workspaceId}/database/${databaseId}/fields`), "GET …/fields");
  return list.map((f) => {
    const content = (f.type_option ?? {}).content as { options?: { id: string; name: string; color: string }[] } | undefined;
    return { id: f.id, name: f.name, fieldType: f.field_type, isPrimary: f.is_primary, options: Array.isArray(content?.options) ? content.options : [] };
  });
}

/** A new grid comes with three empty rows that REST cannot delete; take them out of the views as the UI does. */
async function dropStarterRows(env: GridEnv, grid: Grid): Promise<void> {
  try {
    const state = await readCollab(env.client, env.workspaceId, grid.databaseId, 1);
    await webUpdate(env.client, env.workspaceId, grid.databaseId, 1, removeRowOrdersUpdate(state));
  } catch (err) {
    env.log.warn({ database: grid.spec.name, err: (err as Error).message }, "could not remove the starter rows of a new grid");
  }
}

/** A collab's full state (API.md 8.1). */
export async function readCollab(client: AppFlowyClient, workspaceId: string, objectId: string, collabType: number): Promise<Uint8Array> {
  const data = parseOrThrow(CollabSchema, await client.api("GET", `/api/workspace/v1/${workspaceId}/collab/${objectId}`, { query: { collab_type: collabType } }), "GET …/collab/{id}");
  return new Uint8Array(data.doc_state);
}

/** Pushes a Yjs update into a collab (API.md 8.3). */
export async function webUpdate(client: AppFlowyClient, workspaceId: string, objectId: string, collabType: number, update: Uint8Array): Promise<void> {
  await client.api("POST", `/api/workspace/v1/${workspaceId}/collab/${objectId}/web-update`, { body: { doc_state: [...update], collab_type: collabType } });
}
