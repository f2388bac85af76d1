import type { PageSpec, RowWrite } from "./workspace.ts";

/**
 * How every part of the tracker sends records to the workspace. Implementations make the write durable first
 * (the outbox) and coalesce writes to one row, so callers never wait on the workspace and nothing is lost.
 */
export interface RecordWriter {
  /** Queues an upsert of one row; later writes to the same row are merged into it. */
  upsert(database: string, key: string, write: RowWrite): void;
  /** Queues the removal of one row; it cancels any write to that row still queued. */
  delete(database: string, key: string): void;
  /** Queues a page write (create or replace by key). */
  page(page: PageSpec): void;
  /** Resolves when everything queued so far has reached the workspace (or failed terminally). */
  flush(): Promise<void>;
  close(): Promise<void>;
}
