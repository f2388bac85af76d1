import type * as Y from "yjs";

/** A Y.Doc held open by a source, with the way to change it and let it go. */
export interface DocHandle {
  readonly doc: Y.Doc;
  /** Applies a change and makes it durable (or, for a client, acknowledged by the server). */
  transact(change: (doc: Y.Doc) => void): Promise<void>;
}

/** Where the local workspace's documents come from: the embedded server, a running one, or a read-only snapshot. */
export interface DocSource {
  /** Opens (or returns the already open) document. */
  open(name: string): Promise<DocHandle>;
  /** Calls back on every change to the document's rows, across reopenings (compaction); returns the unsubscribe. */
  observeRows(name: string, onChange: () => void): () => void;
  /** False for snapshots: writes are refused. */
  readonly writable: boolean;
  close(): Promise<void>;
}
