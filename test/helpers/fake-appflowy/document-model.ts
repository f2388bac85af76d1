import * as Y from "yjs";
import { nanoid } from "./grid-model.ts";

interface Block {
  type?: unknown;
  data?: Record<string, unknown>;
  children?: Block[];
}

/**
 * A document collab built from a SerdeBlock tree the way the server does (API.md 8.2): data.document
 * {page_id, blocks, meta: {children_map, text_map}}, each block's delta moved into text_map as a Y.Text.
 * Returns undefined when the tree is not valid page data (the server answers code 1062).
 */
export function documentFromPageData(pageData: unknown): Y.Doc | undefined {
  const root = (pageData ?? { type: "page", children: [] }) as Block;
  if (typeof root !== "object" || root.type !== "page") return undefined;
  const doc = new Y.Doc();
  let ok = true;
  doc.transact(() => {
    const document = new Y.Map<unknown>();
    doc.getMap("data").set("document", document);
    const blocks = new Y.Map<Y.Map<unknown>>();
    const meta = new Y.Map<unknown>();
    const childrenMap = new Y.Map<Y.Array<string>>();
    const textMap = new Y.Map<Y.Text>();
    document.set("blocks", blocks);
    document.set("meta", meta);
    meta.set("children_map", childrenMap);
    meta.set("text_map", textMap);
    const add = (b: Block, parent: string): string => {
      if (typeof b.type !== "string" || (b.children !== undefined && !Array.isArray(b.children))) {
        ok = false;
        return "";
      }
      const id = nanoid(10);
      const { delta, ...rest } = b.data ?? {};
      const m = new Y.Map<unknown>();
      m.set("id", id);
      m.set("ty", b.type);
      m.set("parent", parent);
      m.set("children", id);
      m.set("data", JSON.stringify(rest));
      if (Array.isArray(delta)) {
        const text = new Y.Text();
        textMap.set(id, text);
        text.applyDelta(delta as never);
        m.set("external_id", id);
        m.set("external_type", "text");
      }
      blocks.set(id, m);
      const kids = new Y.Array<string>();
      childrenMap.set(id, kids);
      kids.push((b.children ?? []).map((c) => add(c, id)));
      return id;
    };
    document.set("page_id", add(root, ""));
  });
  return ok ? doc : undefined;
}

/** Plain text of a document, paragraphs joined with nothing (the `doc` of row/detail, API.md 6.8). */
export function documentText(doc: Y.Doc): string {
  const document = doc.getMap("data").get("document") as Y.Map<unknown>;
  const textMap = (document.get("meta") as Y.Map<unknown>).get("text_map") as Y.Map<Y.Text>;
  return [...textMap.values()].map((t) => t.toString()).join("");
}
