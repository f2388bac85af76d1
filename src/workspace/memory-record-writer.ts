import { isDeletion, pageTarget, queueAfter, rowTarget, type RowPayload } from "../outbox/outbox-table.ts";
import type { Logger } from "../shared/logger.ts";
import type { RecordWriter } from "./record-writer.ts";
import type { PageSpec, RowWrite, Workspace } from "./workspace.ts";

type Pending = { kind: "row"; database: string; key: string; payload: RowPayload } | { kind: "page"; page: PageSpec };

/**
 * A record writer that queues in memory, coalesces writes per row as the outbox does (queueAfter), and applies
 * them in order. Used by one-shot commands; `start` uses the durable outbox.
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
    this.queueRow(database, key, { write });
  }

  delete(database: string, key: string): void {
    this.queueRow(database, key, { delete: true });
  }

  page(page: PageSpec): void {
    const id = pageTarget(page.key);
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

  private queueRow(database: string, key: string, next: { delete: true } | { write: RowWrite }): void {
    const id = rowTarget(database, key);
    const prev = this.queue.get(id);
    const queued = prev?.kind === "row" ? prev.payload : undefined;
    const payload = queued ? queueAfter(queued, next) : "write" in next ? next.write : { delete: 1 };
    // An upsert after a queued delete joins it where it waits; anything else goes to the back of the queue.
    if (!(queued && isDeletion(queued) && "write" in next)) this.queue.delete(id);
    this.queue.set(id, { kind: "row", database, key, payload });
    this.kick();
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
        if (item.kind === "page") await this.workspace.writePage(item.page);
        else if (!isDeletion(item.payload)) await this.workspace.upsertRow(item.database, item.key, item.payload);
        else {
          await this.workspace.deleteRow(item.database, item.key);
          if (item.payload.then) await this.workspace.upsertRow(item.database, item.key, item.payload.then);
        }
      } catch (err) {
        this.log.error({ err, record: item.kind === "page" ? `page/${item.page.key}` : `${item.database}/${item.key}` }, "record not written");
      }
    }
  }
}
