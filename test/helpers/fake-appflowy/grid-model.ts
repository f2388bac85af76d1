import { randomBytes } from "node:crypto";
import * as Y from "yjs";

/**
 * The double's databases and rows as real Yjs documents, laid out as API.md 8.2 describes
 * (data.database {id, fields, views, metas}; a row's data.data {id, database_id, cells, …}), with the cell
 * conversions of API.md section 7. Written from the spec, apart from the adapter, so the two can disagree.
 */

export const TYPE_NAMES = ["RichText", "Number", "DateTime", "SingleSelect", "MultiSelect", "Checkbox", "URL", "Checklist", "LastEditedTime", "CreatedTime", "Relation", "Summary", "Translate", "Time", "Media"];
export const VALID_COLORS = new Set(["Purple", "Pink", "LightPink", "Orange", "Yellow", "Lime", "Green", "Aqua", "Blue"]);

export function nanoid(n = 6): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
  return [...randomBytes(n)].map((b) => alphabet[b % 64]).join("");
}

export interface FieldInfo {
  id: string;
  name: string;
  ty: number;
  isPrimary: boolean;
  /** The stored type option map for the field's own type. */
  typeOption: Record<string, unknown>;
}

const secs = (): bigint => BigInt(Math.floor(Date.now() / 1000));

export function databaseMap(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap("data").get("database") as Y.Map<unknown>;
}

export function newDatabaseDoc(databaseId: string, viewId: string, name: string): Y.Doc {
  const doc = new Y.Doc();
  doc.transact(() => {
    const db = new Y.Map<unknown>();
    doc.getMap("data").set("database", db);
    db.set("id", databaseId);
    db.set("fields", new Y.Map());
    const views = new Y.Map<unknown>();
    db.set("views", views);
    const metas = new Y.Map<unknown>();
    metas.set("iid", viewId);
    db.set("metas", metas);
    views.set(viewId, newView(viewId, databaseId, name));
  });
  return doc;
}

export function newView(viewId: string, databaseId: string, name: string): Y.Map<unknown> {
  const v = new Y.Map<unknown>();
  v.set("id", viewId);
  v.set("database_id", databaseId);
  v.set("name", name);
  v.set("layout", 1n);
  v.set("row_orders", new Y.Array());
  v.set("field_orders", new Y.Array());
  v.set("created_at", secs());
  v.set("modified_at", secs());
  v.set("is_inline", true);
  return v;
}

export function addField(doc: Y.Doc, name: string, ty: number, typeOption: Record<string, unknown>, isPrimary = false, id = nanoid()): string {
  doc.transact(() => {
    const db = databaseMap(doc);
    const f = new Y.Map<unknown>();
    f.set("id", id);
    f.set("name", name);
    f.set("icon", "");
    f.set("ty", BigInt(ty));
    f.set("is_primary", isPrimary);
    f.set("created_at", secs());
    f.set("last_modified", secs());
    const to = new Y.Map<unknown>();
    const own = new Y.Map<unknown>();
    for (const [k, v] of Object.entries(typeOption)) own.set(k, v as never);
    to.set(String(ty), own);
    f.set("type_option", to);
    (db.get("fields") as Y.Map<unknown>).set(id, f);
    for (const view of (db.get("views") as Y.Map<Y.Map<unknown>>).values()) (view.get("field_orders") as Y.Array<unknown>).push([{ id }]);
  });
  return id;
}

export function listFields(doc: Y.Doc): FieldInfo[] {
  const out: FieldInfo[] = [];
  (databaseMap(doc).get("fields") as Y.Map<Y.Map<unknown>>).forEach((f, id) => {
    const ty = Number(f.get("ty"));
    const own = (f.get("type_option") as Y.Map<unknown> | undefined)?.get(String(ty));
    out.push({ id, name: String(f.get("name")), ty, isPrimary: f.get("is_primary") === true, typeOption: own instanceof Y.Map ? (own.toJSON() as Record<string, unknown>) : {} });
  });
  return out;
}

export interface Option {
  id: string;
  name: string;
  color: string;
}

/** Select options as the server parses them: content must be a JSON string; one unknown colour drops them all. */
export function parsedOptions(field: FieldInfo): Option[] | undefined {
  const content = field.typeOption.content;
  if (typeof content !== "string") return [];
  try {
    const parsed = JSON.parse(content) as { options?: Option[] };
    const options = parsed.options ?? [];
    if (options.some((o) => !VALID_COLORS.has(o.color))) return [];
    return options;
  } catch {
    return undefined;
  }
}

/** Names as `row/detail` keys them: a duplicate name becomes "<name>-<id>", fields sorted by id, first keeps the name. */
export function detailNames(fields: FieldInfo[]): Map<string, FieldInfo> {
  const out = new Map<string, FieldInfo>();
  for (const f of [...fields].sort((a, b) => (a.id < b.id ? -1 : 1))) out.set(out.has(f.name) ? `${f.name}-${f.id}` : f.name, f);
  return out;
}

export function views(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
  return databaseMap(doc).get("views") as Y.Map<Y.Map<unknown>>;
}

export function inlineRowIds(doc: Y.Doc): string[] {
  const iid = (databaseMap(doc).get("metas") as Y.Map<unknown>).get("iid") as string;
  const view = views(doc).get(iid);
  return view ? (view.get("row_orders") as Y.Array<{ id: string }>).toArray().map((o) => o.id) : [];
}

export function newRowDoc(rowId: string, databaseId: string): Y.Doc {
  const doc = new Y.Doc();
  doc.transact(() => {
    const row = new Y.Map<unknown>();
    doc.getMap("data").set("data", row);
    row.set("id", rowId);
    row.set("database_id", databaseId);
    row.set("height", 30n);
    row.set("visibility", true);
    row.set("created_at", secs());
    row.set("last_modified", secs());
    row.set("cells", new Y.Map());
    doc.getMap("data").set("meta", new Y.Map());
    doc.getMap("data").set("comment", new Y.Array());
  });
  return doc;
}

export function rowCells(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
  return (doc.getMap("data").get("data") as Y.Map<unknown>).get("cells") as Y.Map<Y.Map<unknown>>;
}

/** Writes cells keyed by field id or unique name; unknown keys are skipped without a word (API.md 7). */
export function writeCells(rowDoc: Y.Doc, fields: FieldInfo[], cells: Record<string, unknown>): void {
  const byId = new Map(fields.map((f) => [f.id, f]));
  const names = new Map<string, FieldInfo[]>();
  for (const f of fields) names.set(f.name, [...(names.get(f.name) ?? []), f]);
  rowDoc.transact(() => {
    for (const [key, value] of Object.entries(cells)) {
      const field = byId.get(key) ?? (names.get(key)?.length === 1 ? names.get(key)![0] : undefined);
      if (!field) continue;
      const stored = toStored(field, value);
      if (!stored) continue;
      const map = rowCells(rowDoc);
      let cell = map.get(field.id);
      if (!cell) {
        cell = new Y.Map<unknown>();
        map.set(field.id, cell);
        cell.set("created_at", secs());
      }
      cell.set("field_type", BigInt(field.ty));
      for (const [k, v] of Object.entries(stored)) cell.set(k, v as never);
      cell.set("last_modified", secs());
    }
    (rowDoc.getMap("data").get("data") as Y.Map<unknown>).set("last_modified", secs());
  });
}

function dateSecs(value: unknown): string | undefined {
  if (typeof value === "number") return String(Math.floor(value));
  if (typeof value === "string") {
    if (/^\d+$/.test(value)) return value;
    const ms = Date.parse(value);
    return /^\d{4}-\d\d-\d\dT/.test(value) && !Number.isNaN(ms) ? String(Math.floor(ms / 1000)) : "0";
  }
  return undefined;
}

function toStored(field: FieldInfo, value: unknown): Record<string, unknown> | undefined {
  switch (field.ty) {
    case 1:
      return typeof value === "number" || typeof value === "string" ? { data: String(value) } : undefined;
    case 2: {
      if (value === null || (typeof value === "object" && value !== null && Object.keys(value).length === 0)) return { data: "", include_time: false };
      if (typeof value === "object" && value !== null) {
        const o = value as Record<string, unknown>;
        return { data: dateSecs(o.timestamp) ?? "", include_time: o.include_time === true, is_range: o.is_range === true, end_timestamp: dateSecs(o.end_timestamp) ?? "", reminder_id: String(o.reminder_id ?? "") };
      }
      return { data: dateSecs(value) ?? "0", include_time: typeof value === "number", is_range: false, reminder_id: "" };
    }
    case 3:
    case 4: {
      const options = parsedOptions(field) ?? [];
      const items = Array.isArray(value) ? value : typeof value === "string" ? value.split(",").map((s) => s.trim()).filter(Boolean) : [value];
      const ids: string[] = [];
      for (const item of items) {
        if (typeof item === "string") {
          const o = options.find((x) => x.name === item);
          if (o) ids.push(o.id);
        } else if (item && typeof item === "object") {
          const { id, name } = item as { id?: string; name?: string };
          const o = options.find((x) => (id !== undefined ? x.id === id : x.name === name));
          if (o) ids.push(o.id);
          else if (id !== undefined && Array.isArray(value)) ids.push(id);
        }
      }
      return { data: (field.ty === 3 ? ids.slice(0, 1) : ids).join(",") };
    }
    case 5: {
      const truthy = typeof value === "boolean" ? value : typeof value === "number" ? value > 0 : typeof value === "string" ? /^(true|yes|1)$/i.test(value) : false;
      return { data: truthy ? "true" : "false" };
    }
    case 6:
      return typeof value === "string" ? { data: value } : undefined;
    default:
      return { data: typeof value === "string" ? value : JSON.stringify(value) };
  }
}

/** A row's cells as `row/detail` answers them: keyed by name, every field present, Relation left out. */
export function readCells(rowDoc: Y.Doc, fields: FieldInfo[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const cells = rowCells(rowDoc);
  for (const [name, field] of detailNames(fields)) {
    if (field.ty === 10) continue;
    const cell = cells.get(field.id);
    const data = cell?.get("data");
    out[name] = fromStored(field, cell, typeof data === "string" ? data : data === undefined ? undefined : String(data));
  }
  return out;
}

function fromStored(field: FieldInfo, cell: Y.Map<unknown> | undefined, data: string | undefined): unknown {
  switch (field.ty) {
    case 2: {
      if (!data) return null;
      const start = new Date(Number(data) * 1000).toISOString().replace(/\.\d{3}Z$/, "+00:00");
      const [d, t] = start.split("T");
      return { start, end: null, timezone: "UTC", pretty_start_datetime: `${d} ${t!.slice(0, 8)} UTC`, pretty_start_date: d, pretty_start_time: t!.slice(0, 8), pretty_end_datetime: null, pretty_end_date: null, pretty_end_time: null };
    }
    case 3: {
      if (data === undefined) return null;
      const options = parsedOptions(field) ?? [];
      return options.find((o) => o.id === data.split(",")[0])?.name ?? "";
    }
    case 4: {
      const options = parsedOptions(field) ?? [];
      return (data ?? "").split(",").filter(Boolean).map((id) => options.find((o) => o.id === id)?.name).filter((n): n is string => n !== undefined);
    }
    case 5:
      return data === "true";
    default:
      return cell === undefined ? "" : (data ?? "");
  }
}
