import * as Y from "yjs";
import type { CellValue, FieldType } from "../workspace.ts";
import { FIELD_TYPE_IDS, type RemoteField } from "./mapping.ts";
import type { DeltaOp, SerdeBlock } from "./page-blocks.ts";

/**
 * Edits and reads of AppFlowy collabs (API.md 8.2) with yjs, for what REST cannot do: updating a row a person
 * created in the UI (no pre_hash, so `PUT …/row` cannot reach it) and reading a document page back.
 * Rust i64 values (field_type, timestamps) are written as bigint, the type the server's own cells hold.
 */

/** A cell's Yjs entries as the server stores them (API.md section 7 "stored Yjs data"). */
export function toCollabCell(type: FieldType, value: CellValue, field: RemoteField): Record<string, unknown> {
  const base = { field_type: BigInt(FIELD_TYPE_IDS[type]) };
  switch (type) {
    case "date": {
      if (value === null || value === "") return { ...base, data: "", include_time: false };
      return { ...base, data: String(Math.floor(Date.parse(String(value)) / 1000)), include_time: true, is_range: false, reminder_id: "" };
    }
    case "select":
    case "multiselect": {
      const names = value === null || value === "" ? [] : Array.isArray(value) ? value : [String(value)];
      const ids = names.map((n) => field.options.find((o) => o.name === n)?.id).filter((id): id is string => id !== undefined);
      return { ...base, data: ids.join(",") };
    }
    case "checkbox":
      return { ...base, data: value === true ? "true" : "false" };
    case "number":
      return { ...base, data: value === null ? "" : String(value) };
    default:
      return { ...base, data: value === null ? "" : String(value) };
  }
}

/**
 * The Yjs update that sets these cells (keyed by field id) on a row collab given as the server's doc_state.
 * Made on a fresh doc with a random clientID, so it merges with concurrent edits like any other client's.
 */
export function rowCellsUpdate(docState: Uint8Array, cells: Record<string, Record<string, unknown>>, nowMs: number): Uint8Array {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, docState);
  const before = Y.encodeStateVector(doc);
  const row = doc.getMap("data").get("data");
  if (!(row instanceof Y.Map)) throw new Error("not a database row collab (no data.data map)");
  const now = BigInt(Math.floor(nowMs / 1000));
  doc.transact(() => {
    let map = row.get("cells");
    if (!(map instanceof Y.Map)) {
      map = new Y.Map();
      row.set("cells", map);
    }
    for (const [fieldId, entries] of Object.entries(cells)) {
      let cell = (map as Y.Map<unknown>).get(fieldId);
      if (!(cell instanceof Y.Map)) {
        cell = new Y.Map<unknown>();
        (map as Y.Map<unknown>).set(fieldId, cell);
        (cell as Y.Map<unknown>).set("created_at", now);
      }
      for (const [k, v] of Object.entries(entries)) {
        if ((cell as Y.Map<unknown>).get(k) !== v) (cell as Y.Map<unknown>).set(k, v as never);
      }
      (cell as Y.Map<unknown>).set("last_modified", now);
    }
    row.set("last_modified", now);
  });
  return Y.encodeStateAsUpdate(doc, before);
}

/** The blocks under a document collab's page root, with each block's text as a delta. */
export function documentBlocks(docState: Uint8Array): SerdeBlock[] {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, docState);
  const document = doc.getMap("data").get("document");
  if (!(document instanceof Y.Map)) return [];
  const blocks = document.get("blocks") as Y.Map<Y.Map<unknown>> | undefined;
  const meta = document.get("meta") as Y.Map<unknown> | undefined;
  const childrenMap = meta?.get("children_map") as Y.Map<Y.Array<string>> | undefined;
  const textMap = meta?.get("text_map") as Y.Map<Y.Text> | undefined;
  if (!blocks || !childrenMap) return [];
  const build = (id: string, depth: number): SerdeBlock | undefined => {
    const b = blocks.get(id);
    if (!b || depth > 20) return undefined;
    let data: Record<string, unknown> = {};
    try {
      data = JSON.parse(String(b.get("data") ?? "{}")) as Record<string, unknown>;
    } catch {
      data = {};
    }
    const textId = (b.get("external_id") as string | undefined) ?? id;
    const text = textMap?.get(textId);
    if (text instanceof Y.Text) data.delta = text.toDelta() as DeltaOp[];
    const kids = childrenMap.get(String(b.get("children") ?? id))?.toArray() ?? [];
    return { type: String(b.get("ty")), data, children: kids.map((k) => build(k, depth + 1)).filter((x): x is SerdeBlock => x !== undefined) };
  };
  const root = build(String(document.get("page_id") ?? ""), 0);
  return root?.children ?? [];
}
