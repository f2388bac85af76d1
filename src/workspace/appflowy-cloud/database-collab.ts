import * as Y from "yjs";
import { selectContent, selectOptions, type SelectOption } from "./mapping.ts";

/**
 * Edits of a Database collab (API.md 8.2: data.database {fields, views, …}) for what REST lacks: adding select
 * options to an existing field, and taking rows out of the views (how the UI deletes a row).
 * Each returns the Yjs update to POST to `…/web-update` with collab_type 1.
 */

function load(docState: Uint8Array): { doc: Y.Doc; before: Uint8Array; database: Y.Map<unknown> } {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, docState);
  const database = doc.getMap("data").get("database");
  if (!(database instanceof Y.Map)) throw new Error("not a database collab (no data.database map)");
  return { doc, before: Y.encodeStateVector(doc), database };
}

/** Adds the named options that a select field lacks, keeping the ones it has (and their ids and colours). */
export function addSelectOptionsUpdate(docState: Uint8Array, wanted: Record<string, { name: string; options: readonly string[] }>): Uint8Array {
  const { doc, before, database } = load(docState);
  const fields = database.get("fields") as Y.Map<Y.Map<unknown>>;
  doc.transact(() => {
    for (const [fieldId, want] of Object.entries(wanted)) {
      const field = fields.get(fieldId);
      if (!field) continue;
      const ty = String(field.get("ty"));
      let typeOption = field.get("type_option") as Y.Map<Y.Map<unknown>> | undefined;
      if (!(typeOption instanceof Y.Map)) {
        typeOption = new Y.Map();
        field.set("type_option", typeOption);
      }
      let own = typeOption.get(ty);
      if (!(own instanceof Y.Map)) {
        own = new Y.Map();
        typeOption.set(ty, own);
      }
      let have: SelectOption[] = [];
      try {
        have = (JSON.parse(String(own.get("content") ?? "{}")) as { options?: SelectOption[] }).options ?? [];
      } catch {
        have = [];
      }
      const fresh = selectOptions(want.name, want.options).filter((o) => !have.some((h) => h.name === o.name) && !have.some((h) => h.id === o.id));
      if (fresh.length > 0) own.set("content", selectContent([...have, ...fresh]));
    }
  });
  return Y.encodeStateAsUpdate(doc, before);
}

/** Takes every row currently listed out of every view (used on a new grid for the three empty starter rows). */
export function removeRowOrdersUpdate(docState: Uint8Array): Uint8Array {
  const { doc, before, database } = load(docState);
  doc.transact(() => {
    for (const view of (database.get("views") as Y.Map<Y.Map<unknown>>).values()) {
      const orders = view.get("row_orders");
      if (orders instanceof Y.Array && orders.length > 0) orders.delete(0, orders.length);
    }
  });
  return Y.encodeStateAsUpdate(doc, before);
}

const orderId = (entry: unknown): unknown => (entry instanceof Y.Map ? entry.get("id") : (entry as { id?: unknown } | null)?.id);

/**
 * Takes these rows out of every view: how AppFlowy-Web deletes a row (API.md 6.9). The row collabs stay on the
 * server. Undefined when no view lists any of them, so a delete of a missing row sends nothing.
 */
export function removeRowsUpdate(docState: Uint8Array, ids: ReadonlySet<string>): Uint8Array | undefined {
  const { doc, before, database } = load(docState);
  let removed = 0;
  doc.transact(() => {
    for (const view of (database.get("views") as Y.Map<Y.Map<unknown>>).values()) {
      const orders = view.get("row_orders");
      if (!(orders instanceof Y.Array)) continue;
      // Backwards, so each delete leaves the indexes still to visit where they were.
      for (let i = orders.length - 1; i >= 0; i--) {
        const id = orderId(orders.get(i));
        if (typeof id === "string" && ids.has(id)) {
          orders.delete(i, 1);
          removed++;
        }
      }
    }
  });
  return removed > 0 ? Y.encodeStateAsUpdate(doc, before) : undefined;
}

/**
 * Lists a row again at the end of every view that lacks it (a deleted row written anew: the server's upsert
 * finds the old row collab and leaves the views alone). Undefined when every view lists it already.
 */
export function restoreRowUpdate(docState: Uint8Array, rowId: string): Uint8Array | undefined {
  const { doc, before, database } = load(docState);
  let added = 0;
  doc.transact(() => {
    for (const view of (database.get("views") as Y.Map<Y.Map<unknown>>).values()) {
      const orders = view.get("row_orders");
      if (!(orders instanceof Y.Array) || orders.toArray().some((o) => orderId(o) === rowId)) continue;
      // The shape and height AppFlowy-Web gives a row order it adds.
      orders.push([{ id: rowId, height: 36 }]);
      added++;
    }
  });
  return added > 0 ? Y.encodeStateAsUpdate(doc, before) : undefined;
}
