import { z } from "zod";
import type { Cells, RowWrite } from "../workspace.ts";
import { WorkspaceWriteError } from "../workspace-error.ts";
import { AppFlowyError } from "./appflowy-error.ts";
import { rowCellsUpdate, toCollabCell } from "./collab.ts";
import { removeRowsUpdate, restoreRowUpdate } from "./database-collab.ts";
import { parseOrThrow } from "./folder.ts";
import { readCollab, webUpdate, type Grid, type GridEnv } from "./grid.ts";
import { Limiter } from "./limiter.ts";
import { cellsByFieldId, cellsFromDetail, fromAppFlowyCell, rowKey, toAppFlowyCell } from "./mapping.ts";
import type { RowIndex } from "./row-index.ts";

/** row/detail takes ids in the URL: batches of 100 keep it well under 8 KB (API.md 6.8). */
const DETAIL_BATCH = 100;
const RowIdsSchema = z.array(z.object({ id: z.string() }));
const DetailsSchema = z.array(z.object({ id: z.string(), cells: z.record(z.string(), z.unknown()).default({}) }));

export interface RowDetail {
  id: string;
  cells: Record<string, unknown>;
}

/** The row ids of the grid's inline view, in order (API.md 6.4). */
export async function listRowIds(env: GridEnv, grid: Grid): Promise<string[]> {
  return parseOrThrow(RowIdsSchema, await env.client.api("GET", `/api/workspace/${env.workspaceId}/database/${grid.databaseId}/row`), "GET …/row").map((r) => r.id);
}

/** Row details for these ids, fetched in batches; rows the server skips are simply absent. */
export async function rowDetails(env: GridEnv, grid: Grid, ids: string[]): Promise<RowDetail[]> {
  const batches: string[][] = [];
  for (let i = 0; i < ids.length; i += DETAIL_BATCH) batches.push(ids.slice(i, i + DETAIL_BATCH));
  const reader = new Limiter(4);
  const path = `/api/workspace/${env.workspaceId}/database/${grid.databaseId}/row/detail`;
  const results = await Promise.all(batches.map((batch) => reader.run(async () => parseOrThrow(DetailsSchema, await env.client.api("GET", path, { query: { ids: batch.join(",") } }), "GET …/row/detail"))));
  return results.flat();
}

/** The key → row id index of the grid, read on first use. */
export async function rowIndex(env: GridEnv, grid: Grid): Promise<RowIndex> {
  await grid.index.load(async () => keyedRows(env, grid, await listRowIds(env, grid)));
  return grid.index;
}

/** Adds these rows to the index by their key (rows people added in the UI get found this way). */
export async function indexRows(env: GridEnv, grid: Grid, ids: string[]): Promise<void> {
  if (grid.index.isLoaded) await grid.index.refresh(() => keyedRows(env, grid, ids), "add");
}

/** Key and id of these rows, in order; rows without a key (just added in the UI) are left out. */
async function keyedRows(env: GridEnv, grid: Grid, ids: string[]): Promise<[string, string][]> {
  const out: [string, string][] = [];
  for (const d of await rowDetails(env, grid, ids)) {
    const key = rowKey(grid.spec, grid.fields, cellsFromDetail(grid.fields, d.cells));
    if (key !== undefined) out.push([key, d.id]);
  }
  return out;
}

/** Updates a row the tracker created (its id follows from pre_hash = key). */
export async function putRow(env: GridEnv, grid: Grid, key: string, cells: Cells): Promise<void> {
  const body = { pre_hash: key, cells: cellsByFieldId(grid.spec, grid.fields, cells) };
  await env.client.api("PUT", `/api/workspace/${env.workspaceId}/database/${grid.databaseId}/row`, { body });
}

/** Creates a row with pre_hash = key; call it through the grid's creation queue. */
export async function createRow(env: GridEnv, grid: Grid, key: string, ownId: string, write: RowWrite): Promise<void> {
  const index = grid.index;
  const existing = index.get(key);
  if (existing && existing !== ownId) return updateUiRow(env, grid, existing, write.set ?? {});
  let cells: Cells = { ...write.set };
  let restore: Uint8Array | undefined;
  if (!existing) {
    // Another writer (a restart, another host) may have created it: seed only a row that does not exist yet.
    // A row collab that exists may also be a deleted row (out of the views, API.md 6.4), which the upsert would
    // update without listing it again: such a row is written as new and put back in the views.
    const found = await rowDetails(env, grid, [ownId]);
    if (found.length > 0) restore = restoreRowUpdate(await readCollab(env.client, env.workspaceId, grid.databaseId, 1), ownId);
    if (found.length === 0 || restore) cells = { ...(restore ? blankCells(grid.spec) : {}), ...write.seed, ...write.set, [grid.spec.keyField]: key };
  }
  const byId = cellsByFieldId(grid.spec, grid.fields, cells);
  // The primary field is the row's title in the UI: show the key there when the spec does not use it.
  const primary = grid.fields.find((f) => f.isPrimary);
  if (primary && !grid.spec.fields.some((f) => f.name === primary.name) && primary.fieldType === "RichText") byId[primary.id] = key;
  await env.client.api("PUT", `/api/workspace/${env.workspaceId}/database/${grid.databaseId}/row`, { body: { pre_hash: key, cells: byId } });
  // Listed again only once its cells are new: a failure in between leaves it out of the views, to be retried whole.
  if (restore) await webUpdate(env.client, env.workspaceId, grid.databaseId, 1, restore);
  index.set(key, ownId);
  if (!grid.verified) {
    await verifyRow(env, grid, ownId, cells);
    grid.verified = true;
  }
}

/**
 * Takes rows out of every view of the grid, which is how a row is deleted (API.md 6.9). It waits for the grid's
 * turn like a creation; deletions that arrive while it waits join the same collab edit.
 */
export function removeRows(env: GridEnv, grid: Grid, ids: readonly string[]): Promise<void> {
  let batch = grid.removing;
  if (!batch) {
    const waiting = new Set<string>();
    const done = grid.creating.then(async () => {
      // From here on the batch is closed: later deletions start the next one.
      if (grid.removing?.ids === waiting) grid.removing = undefined;
      const update = removeRowsUpdate(await readCollab(env.client, env.workspaceId, grid.databaseId, 1), waiting);
      if (update) await webUpdate(env.client, env.workspaceId, grid.databaseId, 1, update);
    });
    batch = { ids: waiting, done };
    grid.removing = batch;
    grid.creating = done.catch(() => undefined);
  }
  for (const id of ids) batch.ids.add(id);
  return batch.done;
}

/** Every field of the spec at its empty value: a row written anew must not keep cells from before its deletion. */
function blankCells(spec: Grid["spec"]): Cells {
  return Object.fromEntries(spec.fields.map((f) => [f.name, null]));
}

/** Reads the first row written to a grid back: a cell the server dropped means the grid is not what we think. */
async function verifyRow(env: GridEnv, grid: Grid, rowId: string, written: Cells): Promise<void> {
  const [detail] = await rowDetails(env, grid, [rowId]);
  if (!detail) throw new WorkspaceWriteError(grid.spec.name, undefined, `row ${rowId} was written but cannot be read back`);
  const back = cellsFromDetail(grid.fields, detail.cells);
  for (const [name, value] of Object.entries(written)) {
    const field = grid.spec.fields.find((f) => f.name === name)!;
    const expected = fromAppFlowyCell(grid.fields.find((f) => f.name === name)?.fieldType ?? "RichText", roundTrip(field.type, value));
    if (JSON.stringify(back[name] ?? null) !== JSON.stringify(expected)) {
      grid.fieldsAt = 0;
      throw new WorkspaceWriteError(grid.spec.name, name, `written ${JSON.stringify(value)} but read back ${JSON.stringify(back[name] ?? null)}: the server did not keep it (field renamed or retyped in AppFlowy?)`);
    }
  }
}

/** A row a person created in the UI has a random id, which `PUT …/row` cannot reach: edit its collab (API.md 8). */
export async function updateUiRow(env: GridEnv, grid: Grid, rowId: string, set: Cells): Promise<void> {
  if (Object.keys(set).length === 0) return;
  cellsByFieldId(grid.spec, grid.fields, set);
  const cells: Record<string, Record<string, unknown>> = {};
  for (const [name, value] of Object.entries(set)) {
    const remote = grid.fields.find((f) => f.name === name)!;
    cells[remote.id] = toCollabCell(grid.spec.fields.find((f) => f.name === name)!.type, value, remote);
  }
  const update = rowCellsUpdate(await readCollab(env.client, env.workspaceId, rowId, 4), cells, env.now());
  await webUpdate(env.client, env.workspaceId, rowId, 4, update);
}

/** A 413 names the field that made the row too big; other errors pass through. */
export function explainTooLarge(err: unknown, database: string, cells: Cells): unknown {
  if (!(err instanceof AppFlowyError) || err.kind !== "too-large") return err;
  const biggest = Object.entries(cells).sort((a, b) => JSON.stringify(b[1]).length - JSON.stringify(a[1]).length)[0];
  return new WorkspaceWriteError(database, biggest?.[0], `the row is too large for AppFlowy (${JSON.stringify(cells).length} bytes of cells; ${err.message})`);
}

/** What the server gives back for a value we write (dates to the second, null as the type's empty value). */
function roundTrip(type: Parameters<typeof toAppFlowyCell>[0], value: Cells[string]): unknown {
  if (type === "date") return value === null ? null : { start: new Date(Math.floor(Date.parse(String(value)) / 1000) * 1000).toISOString() };
  if (type === "number") return value === null ? "" : String(value);
  return toAppFlowyCell(type, value);
}
