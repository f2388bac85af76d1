import * as Y from "yjs";
import type { DocHandle, DocSource } from "./doc-source.ts";
import type { DocumentStore } from "./document-store.ts";

/** Read-only documents straight from the SQLite file, for commands that look while `start` may be running. */
export class SnapshotSource implements DocSource {
  readonly writable = false;
  private readonly store: DocumentStore;

  constructor(store: DocumentStore) {
    this.store = store;
  }

  async open(name: string): Promise<DocHandle> {
    const doc = new Y.Doc();
    const state = this.store.get(name);
    if (state) Y.applyUpdate(doc, state);
    return {
      doc,
      transact: async () => {
        throw new Error("the workspace snapshot is read-only");
      },
    };
  }

  /** A snapshot never changes. */
  observeRows(): () => void {
    return () => undefined;
  }

  async close(): Promise<void> {
    this.store.close();
  }
}
