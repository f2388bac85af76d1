import type { Logger } from "../shared/logger.ts";
import type { RecordWriter } from "./record-writer.ts";
import type { PageSpec, RowWrite, Workspace } from "./workspace.ts";

type Pending =
  | { kind: "row"; database: string; key: string; write: RowWrite }
  | { kind: "delete"; database: string; key: string }
  | { kind: "recreate"; database: string; key: string; then: RowWrite }
  | { kind: "page"; page: PageSpec };

/**
 * A record writer that queues in memory, coalesces writes per row, and applies them in order.
 * Used by one-shot commands; `start` uses the durable outbox.
 */
export class MemoryRecordWriter implements RecordWriter {
  private readonly workspace: Workspace;
  private readonly log: Logger;
  private readonly queue = new Map<string, Pending>();
  private draining: Promise<void> | undefined;

  constructor(workspace: Workspace, logger: Logger) {
    this.workspace = workspace;
    this.log = logger.child({ module: "record-writer" });
  }

  upsert(database: string, key: string, write: RowWrite): void {
    const id = `row\u0000${database}\u0000${key}`;
    const prev = this.queue.get(id);
    if (prev?.kind === "delete" || prev?.kind === "recreate") {
      // The delete stays first: the row ends up written afresh, seed included, as the outbox does it.
      const then = prev.kind === "recreate" ? mergeWrites(prev.then, write) : write;
      this.queue.set(id, { kind: "recreate", database, key, then });
    } else {
      this.queue.delete(id);
      this.queue.set(id, { kind: "row", database, key, write: prev?.kind === "row" ? mergeWrites(prev.write, write) : write });
    }
    this.kick();
  }

  delete(database: string, key: string): void {
    const id = `row\u0000${database}\u0000${key}`;
    this.queue.delete(id);
    this.queue.set(id, { kind: "delete", database, key });
    this.kick();
  }

  page(page: PageSpec): void {
    const id = `page\u0000${page.key}`;
    this.queue.delete(id);
    this.queue.set(id, { kind: "page", page });
    this.kick();
  }

  async flush(): Promise<void> {
    while (this.draining) await this.draining;
  }

  async close(): Promise<void> {
    await this.flush();
  }

  private kick(): void {
    if (this.draining) return;
    this.draining = this.drain().finally(() => {
      this.draining = undefined;
      if (this.queue.size > 0) this.kick();
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.size > 0) {
      const [id, item] = this.queue.entries().next().value as [string, Pending];
      this.queue.delete(id);
      try {
        if (item.kind === "row") await this.workspace.upsertRow(item.database, item.key, item.write);
        else if (item.kind === "delete") await this.workspace.deleteRow(item.database, item.key);
        else if (item.kind === "recreate") {
          await this.workspace.deleteRow(item.database, item.key);
          await this.workspace.upsertRow(item.database, item.key, item.then);
        }
        else await this.workspace.writePage(item.page);
      } catch (err) {
        this.log.error({ err, record: item.kind === "page" ? `page/${item.page.key}` : `${item.database}/${item.key}` }, "record not written");
      }
    }
  }
}

/** A later write's cells win for `set`; the first write's seed wins, as only the creating write seeds. */
function mergeWrites(first: RowWrite, next: RowWrite): RowWrite {
  return { set: { ...first.set, ...next.set }, seed: { ...next.seed, ...first.seed } };
}
