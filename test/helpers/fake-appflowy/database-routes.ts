import { randomUUID } from "node:crypto";
import * as Y from "yjs";
import { preHashRowId } from "./pre-hash.ts";
import { TYPE_NAMES, addField, inlineRowIds, listFields, newRowDoc, parsedOptions, readCells, views, writeCells } from "./grid-model.ts";
import { AppAnswer, HttpAnswer, type RowRecord, type Workspace } from "./fake-types.ts";

/** What the database endpoints need of the double. */
export interface GridStore {
  readonly databases: Map<string, { doc: Y.Doc; workspaceId: string }>;
  readonly rows: Map<string, RowRecord>;
  readonly options: { racyRowCreation: boolean; creationGapMs: number };
  lostRowOrders: number;
  /** Rows taken out of the views (deleted) that a concurrent creation listed again. */
  revivedRowOrders: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const orderId = (o: unknown): string => String((o as { id?: unknown }).id);

/**
 * Creates a row and appends it to every view, racing like the server when creations overlap (API.md 9): the
 * views are written back as they were read, so a row created meanwhile loses its entry and a row deleted meanwhile
 * (taken out of the views through the collab) is listed again.
 */
export function insertRow(store: GridStore, dbId: string, rowId: string, cells: Record<string, unknown>, preHash?: string): void | Promise<void> {
  const db = store.databases.get(dbId)!;
  const doc = newRowDoc(rowId, dbId);
  writeCells(doc, listFields(db.doc), cells);
  store.rows.set(rowId, { doc, databaseId: dbId, updatedAt: Date.now(), preHash });
  const all = [...views(db.doc).values()];
  const snapshot = all.map((v) => (v.get("row_orders") as Y.Array<unknown>).toArray());
  const finish = (): void => {
    db.doc.transact(() => {
      all.forEach((v, i) => {
        const orders = v.get("row_orders") as Y.Array<unknown>;
        const read = snapshot[i]!;
        const now = orders.toArray().map(orderId);
        const readIds = read.map(orderId);
        if (now.length < read.length || readIds.some((id, j) => now[j] !== id)) {
          // Something was taken out meanwhile: the whole view goes back to what was read.
          if (i === 0) {
            store.revivedRowOrders += readIds.filter((id) => !now.includes(id)).length;
            store.lostRowOrders += now.filter((id) => !readIds.includes(id)).length;
          }
          orders.delete(0, orders.length);
          orders.push(read);
        } else if (now.length > read.length) {
          // Only rows were added meanwhile: they lose their entry.
          orders.delete(read.length, now.length - read.length);
          if (i === 0) store.lostRowOrders += now.length - read.length;
        }
        orders.push([{ id: rowId, height: 30n }]);
      });
    });
  };
  if (!store.options.racyRowCreation) return finish();
  return new Promise<void>((resolve) => setTimeout(() => resolve(finish()), store.options.creationGapMs));
}

/** The database endpoints of API.md section 6, under /api/workspace/{ws}/database. */
export async function databaseRoute(store: GridStore, method: string, ws: Workspace, rest: string[], url: URL, body: unknown): Promise<unknown> {
  if (rest.length === 1 && method === "GET") {
    const out: unknown[] = [];
    for (const [id, db] of store.databases) {
      if (db.workspaceId !== ws.id) continue;
      const visible = [...ws.views.values()].filter((v) => v.databaseId === id && !v.trashed);
      if (visible.length > 0) out.push({ id, views: visible.map((v) => ({ view_id: v.view_id, name: v.name, icon: null, layout: v.layout })) });
    }
    return out;
  }
  const dbId = rest[1] ?? "";
  const db = store.databases.get(dbId);
  if (!db || db.workspaceId !== ws.id) throw new AppAnswer(-2, `Record not found:collab ${dbId} not found`);
  const fields = listFields(db.doc);
  const b = (body ?? {}) as Record<string, unknown>;
  const tail = rest.slice(2).join("/");
  if (tail === "fields" && method === "GET") {
    return fields.map((f) => {
      let typeOption: Record<string, unknown> = f.typeOption;
      if (f.ty === 3 || f.ty === 4) {
        const options = parsedOptions(f);
        const { content: _c, ...others } = f.typeOption;
        typeOption = options === undefined ? others : { ...others, content: { options, disable_color: false } };
      }
      return { id: f.id, name: f.name, field_type: TYPE_NAMES[f.ty] ?? "RichText", type_option: typeOption, is_primary: f.isPrimary };
    });
  }
  if (tail === "fields" && method === "POST") {
    if (typeof b.name !== "string" || typeof b.field_type !== "number") throw new HttpAnswer(400, "Json deserialize error: missing field `name` or `field_type`");
    const to = b.type_option_data ?? {};
    if (typeof to !== "object" || Array.isArray(to) || to === null) throw new AppAnswer(1008, "Invalid request:Failed to parse type option");
    return addField(db.doc, b.name, b.field_type, to as Record<string, unknown>);
  }
  if (tail === "row" && method === "GET") return inlineRowIds(db.doc).map((id) => ({ id }));
  if (tail === "row" && (method === "POST" || method === "PUT")) {
    if (typeof b.cells !== "object" || b.cells === null) throw new HttpAnswer(400, "Json deserialize error: missing field `cells`");
    if (method === "POST") {
      const id = randomUUID();
      await insertRow(store, dbId, id, b.cells as Record<string, unknown>);
      return id;
    }
    if (typeof b.pre_hash !== "string") throw new HttpAnswer(400, "Json deserialize error: missing field `pre_hash`");
    const id = preHashRowId(ws.id, dbId, b.pre_hash);
    const existing = store.rows.get(id);
    if (!existing) await insertRow(store, dbId, id, b.cells as Record<string, unknown>, b.pre_hash);
    else {
      writeCells(existing.doc, fields, b.cells as Record<string, unknown>);
      existing.updatedAt = Date.now();
    }
    return id;
  }
  if (tail === "row/detail" && method === "GET") {
    const ids = (url.searchParams.get("ids") ?? "").split(",");
    if (ids.some((id) => !UUID.test(id))) throw new AppAnswer(1018, "Invalid UUID");
    if (fields.length === 0) return [];
    return ids
      .map((id) => store.rows.get(id))
      .filter((r): r is RowRecord => r !== undefined && r.databaseId === dbId)
      .map((r) => {
        const id = String((r.doc.getMap("data").get("data") as Y.Map<unknown>).get("id"));
        return { id, has_doc: false, cells: readCells(r.doc, fields), ...(url.searchParams.get("with_doc") === "true" ? { doc: "" } : {}) };
      });
  }
  if (tail === "row/updated" && method === "GET") {
    const raw = url.searchParams.get("after");
    const after = raw === null ? Date.now() - 3_600_000 : Date.parse(raw);
    if (Number.isNaN(after)) throw new HttpAnswer(400, `Query deserialize error: input contains invalid characters`);
    return inlineRowIds(db.doc)
      .map((id) => ({ id, r: store.rows.get(id) }))
      .filter((x) => x.r && x.r.updatedAt > after)
      .map((x) => ({ updated_at: new Date(x.r!.updatedAt).toISOString(), row_id: x.id }));
  }
  throw new HttpAnswer(404, "Not Found");
}
