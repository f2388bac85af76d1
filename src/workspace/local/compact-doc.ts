import * as Y from "yjs";

/**
 * A copy of a document holding only its current content. Every overwritten cell leaves a struct behind in Yjs
 * (about 200 bytes of heap each, never merged for map keys), so a database the tracker rewrites every probe grows
 * without end; a copy sheds that history. The copy is a new document: clients holding the old one must not sync
 * into it, which is why the server compacts only documents nobody else has open.
 */
export function compactDoc(state: Uint8Array, maps: readonly string[]): Uint8Array {
  const old = new Y.Doc();
  Y.applyUpdate(old, state);
  const fresh = new Y.Doc();
  fresh.transact(() => {
    for (const name of maps) {
      const from = old.getMap(name);
      const to = fresh.getMap(name);
      from.forEach((value, key) => to.set(key, copyValue(value)));
    }
  });
  return Y.encodeStateAsUpdate(fresh);
}

function copyValue(value: unknown): unknown {
  if (value instanceof Y.Map) {
    const map = new Y.Map<unknown>();
    value.forEach((v, k) => map.set(k, copyValue(v)));
    return map;
  }
  if (value instanceof Y.Array) {
    const array = new Y.Array<unknown>();
    array.push(value.toArray().map(copyValue));
    return array;
  }
  if (value instanceof Y.Text) return new Y.Text(value.toString());
  return Array.isArray(value) ? [...value] : value;
}
