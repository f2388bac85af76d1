import type * as Y from "yjs";

/**
 * Row observers by document name, kept apart from the Y.Doc they watch: when a document is reopened (after
 * compaction) the same observers are attached to the new one.
 */
export class RowObservers {
  private readonly byName = new Map<string, Set<() => void>>();
  private readonly attached = new Map<string, { doc: Y.Doc; handler: () => void }>();

  add(name: string, onChange: () => void): () => void {
    let set = this.byName.get(name);
    if (!set) this.byName.set(name, (set = new Set()));
    set.add(onChange);
    return () => {
      set!.delete(onChange);
      if (set!.size === 0) {
        this.byName.delete(name);
        this.detach(name);
      }
    };
  }

  /** Watches `doc` for the observers of `name` (a fresh document replaces the previous one). */
  attach(name: string, doc: Y.Doc): void {
    this.detach(name);
    if (!this.byName.has(name)) return;
    const handler = (): void => {
      for (const cb of this.byName.get(name) ?? []) cb();
    };
    doc.getMap("rows").observeDeep(handler);
    this.attached.set(name, { doc, handler });
  }

  detach(name: string): void {
    const a = this.attached.get(name);
    if (!a) return;
    a.doc.getMap("rows").unobserveDeep(a.handler);
    this.attached.delete(name);
  }
}
