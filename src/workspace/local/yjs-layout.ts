import * as Y from "yjs";
import type { Cells, CellValue, DatabaseSpec, FieldSpec, PageSpec, Row } from "../workspace.ts";

/**
 * How the embedded workspace lays out a database in one Y.Doc, so any Yjs client (the board, a script) can
 * read and edit it:
 *   meta:   Y.Map { name, keyField }
 *   fields: Y.Map<fieldName, Y.Map { name, type, owner, options: string[], order }>
 *   rows:   Y.Map<rowId, Y.Map { cells: Y.Map<fieldName, value>, createdAt, updatedAt }>
 * Each cell is its own map entry, so edits to different cells of one row merge.
 */
export const WORKSPACE_DOC = "workspace";
export const databaseDocName = (name: string): string => `database/${name}`;
export const pageDocName = (key: string): string => `page/${key}`;

export function writeDatabaseSchema(doc: Y.Doc, spec: DatabaseSpec): void {
  const meta = doc.getMap("meta");
  if (meta.get("name") !== spec.name) meta.set("name", spec.name);
  if (meta.get("keyField") !== spec.keyField) meta.set("keyField", spec.keyField);
  const fields = doc.getMap<Y.Map<unknown>>("fields");
  spec.fields.forEach((f, order) => {
    if (fields.has(f.name)) return;
    const m = new Y.Map<unknown>();
    m.set("name", f.name);
    m.set("type", f.type);
    m.set("owner", f.owner);
    m.set("options", [...(f.options ?? [])]);
    m.set("order", order);
    fields.set(f.name, m);
  });
}

/** The database's spec as stored: includes fields people added, in display order. */
export function readDatabaseSpec(doc: Y.Doc): DatabaseSpec | undefined {
  const meta = doc.getMap("meta");
  const name = meta.get("name");
  if (typeof name !== "string") return undefined;
  const fields: (FieldSpec & { order: number })[] = [];
  doc.getMap<Y.Map<unknown>>("fields").forEach((m, fieldName) => {
    fields.push({
      name: fieldName,
      type: (m.get("type") as FieldSpec["type"]) ?? "text",
      owner: (m.get("owner") as FieldSpec["owner"]) ?? "team",
      options: (m.get("options") as string[] | undefined) ?? [],
      order: (m.get("order") as number | undefined) ?? 1e9,
    });
  });
  fields.sort((a, b) => a.order - b.order);
  return { name, keyField: String(meta.get("keyField") ?? "ID"), fields: fields.map(({ order: _o, ...f }) => f) };
}

function rowsMap(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
  return doc.getMap<Y.Map<unknown>>("rows");
}

/** Finds the row whose key field holds `key`; rows added by other clients may use any map id. */
function findRow(doc: Y.Doc, keyField: string, key: string): Y.Map<unknown> | undefined {
  const rows = rowsMap(doc);
  const direct = rows.get(key);
  if (direct) return direct;
  for (const row of rows.values()) {
    const cells = row.get("cells") as Y.Map<CellValue> | undefined;
    if (cells?.get(keyField) === key) return row;
  }
  return undefined;
}

/** Sets `set` always and `seed` only on a new row, in the caller's transaction. */
export function upsertRowInDoc(doc: Y.Doc, keyField: string, key: string, set: Cells, seed: Cells, now: number): void {
  let row = findRow(doc, keyField, key);
  if (!row) {
    row = new Y.Map<unknown>();
    const cells = new Y.Map<CellValue>();
    for (const [k, v] of Object.entries({ ...seed, ...set, [keyField]: key })) cells.set(k, toStored(v));
    row.set("cells", cells);
    row.set("createdAt", now);
    row.set("updatedAt", now);
    rowsMap(doc).set(key, row);
    return;
  }
  const cells = row.get("cells") as Y.Map<CellValue>;
  let changed = false;
  for (const [k, v] of Object.entries(set)) {
    const stored = toStored(v);
    if (!sameValue(cells.get(k), stored)) {
      cells.set(k, stored);
      changed = true;
    }
  }
  if (changed) row.set("updatedAt", now);
}

/** Deletes the row whose key field (or map id) is `key`; returns whether there was one. */
export function deleteRowInDoc(doc: Y.Doc, keyField: string, key: string): boolean {
  const rows = rowsMap(doc);
  if (rows.has(key)) {
    rows.delete(key);
    return true;
  }
  for (const [id, row] of rows.entries()) {
    const cells = row.get("cells") as Y.Map<CellValue> | undefined;
    if (cells?.get(keyField) === key) {
      rows.delete(id);
      return true;
    }
  }
  return false;
}

export function readRowsFromDoc(doc: Y.Doc, keyField: string): Row[] {
  const out: Row[] = [];
  rowsMap(doc).forEach((row, id) => {
    const cellsMap = row.get("cells") as Y.Map<CellValue> | undefined;
    const cells: Cells = {};
    cellsMap?.forEach((v, k) => {
      cells[k] = Array.isArray(v) ? [...v] : v;
    });
    const key = typeof cells[keyField] === "string" && cells[keyField] !== "" ? (cells[keyField] as string) : id;
    out.push({ key, cells, updatedAt: row.get("updatedAt") as number | undefined });
  });
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

export function writePageInDoc(doc: Y.Doc, page: PageSpec, now: number): void {
  const meta = doc.getMap("meta");
  meta.set("key", page.key);
  meta.set("title", page.title);
  meta.set("updatedAt", now);
  const body = doc.getText("body");
  if (body.toString() !== page.markdown) {
    body.delete(0, body.length);
    body.insert(0, page.markdown);
  }
}

export function readPageFromDoc(doc: Y.Doc): (PageSpec & { updatedAt: number }) | undefined {
  const meta = doc.getMap("meta");
  const key = meta.get("key");
  if (typeof key !== "string") return undefined;
  return { key, title: String(meta.get("title") ?? key), markdown: doc.getText("body").toString(), updatedAt: Number(meta.get("updatedAt") ?? 0) };
}

/** The index of databases and pages, so a reader can find every document without listing storage. */
export function registerInIndex(doc: Y.Doc, section: "databases" | "pages", name: string, now: number, title?: string): void {
  const map = doc.getMap<Y.Map<unknown>>(section);
  const existing = map.get(name);
  if (existing) {
    if (title !== undefined && existing.get("title") !== title) existing.set("title", title);
    if (section === "pages") existing.set("updatedAt", now);
    return;
  }
  const entry = new Y.Map<unknown>();
  entry.set("createdAt", now);
  entry.set("updatedAt", now);
  if (title !== undefined) entry.set("title", title);
  map.set(name, entry);
}

export function indexEntries(doc: Y.Doc, section: "databases" | "pages"): string[] {
  return [...doc.getMap(section).keys()];
}

function toStored(v: CellValue): CellValue {
  return Array.isArray(v) ? [...v] : v;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => x === b[i]);
  return a === b;
}
