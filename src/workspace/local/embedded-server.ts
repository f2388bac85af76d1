import { Server } from "@hocuspocus/server";
import { Database } from "@hocuspocus/extension-database";
import * as Y from "yjs";
import { TrackerError } from "../../shared/errors.ts";
import type { Logger } from "../../shared/logger.ts";
import type { DocHandle, DocSource } from "./doc-source.ts";
import { compactDoc } from "./compact-doc.ts";
import { RowObservers } from "./row-observers.ts";
import { DocumentStore } from "./document-store.ts";

/** A database document is compacted once its encoded state passes this size (a Services grid reaches it in hours). */
const COMPACT_MIN_BYTES = 256 * 1024;

export interface EmbeddedServerOptions {
  store: DocumentStore;
  host: string;
  port: number;
  /** Clients must present it when set (required off loopback by the config schema). */
  token?: string;
  logger: Logger;
  now?: () => number;
}

/**
 * The embedded workspace: a Hocuspocus server persisting every document to SQLite. The tracker edits documents
 * through direct connections (no socket); people and the board connect over WebSocket.
 */
export class EmbeddedServer implements DocSource {
  readonly writable = true;
  private readonly server: Server;
  private readonly options: EmbeddedServerOptions;
  private readonly handles = new Map<string, Promise<DocHandle>>();
  private readonly connections = new Map<string, { disconnect(): Promise<void> }>();
  /** Documents being compacted: opening one waits until it is done. */
  private readonly compacting = new Map<string, Promise<void>>();
  private compactTimer: NodeJS.Timeout | undefined;
  private readonly observers = new RowObservers();

  private constructor(options: EmbeddedServerOptions) {
    this.options = options;
    const { store, token, logger } = options;
    const now = options.now ?? Date.now;
    this.server = new Server({
      name: "ai-tracker",
      address: options.host,
      port: options.port,
      quiet: true,
      stopOnSignals: false,
      // Edits from people are persisted half a second after they stop typing, and at most every 5 s.
      debounce: 500,
      maxDebounce: 5000,
      extensions: [
        new Database({
          fetch: async ({ documentName }) => store.get(documentName),
          store: async ({ documentName, state }) => store.put(documentName, state, now()),
        }),
      ],
      async onAuthenticate({ token: given }) {
        if (token && given !== token) throw new Error("invalid workspace token");
      },
      async onConnect({ documentName, socketId }) {
        logger.debug({ documentName, socketId }, "workspace client connected");
      },
    });
  }

  static async start(options: EmbeddedServerOptions): Promise<EmbeddedServer> {
    const s = new EmbeddedServer(options);
    // Hocuspocus's own listen() passes `address` where node wants `host` (so it would bind every interface) and
    // never rejects on EADDRINUSE; listening on its HTTP server directly fixes both.
    const http = s.server.httpServer;
    try {
      await new Promise<void>((resolve, reject) => {
        http.once("error", reject);
        http.listen({ port: options.port, host: options.host }, () => {
          http.off("error", reject);
          resolve();
        });
      });
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === "EADDRINUSE") {
        throw new TrackerError("PORT_IN_USE", `workspace port ${options.host}:${options.port} is already in use; stop what holds it or set workspace.port`, {
          cause: err,
          exitCode: 2,
        });
      }
      throw err;
    }
    return s;
  }

  /** The port actually bound (useful with port 0). */
  get port(): number {
    return this.server.address.port;
  }

  get url(): string {
    return `ws://${this.options.host.includes(":") ? `[${this.options.host}]` : this.options.host}:${this.port}`;
  }

  open(name: string): Promise<DocHandle> {
    let handle = this.handles.get(name);
    if (!handle) {
      const pending = this.compacting.get(name);
      const connect = () => this.connect(name);
      handle = pending ? pending.then(connect, connect) : connect();
      this.handles.set(name, handle);
      handle.catch(() => this.handles.delete(name));
    }
    return handle;
  }

  private async connect(name: string): Promise<DocHandle> {
    const connection = await this.server.hocuspocus.openDirectConnection(name, { origin: "tracker" });
    this.connections.set(name, connection);
    const doc = connection.document as unknown as Y.Doc;
    this.observers.attach(name, doc);
    const { store } = this.options;
    const now = this.options.now ?? Date.now;
    return {
      doc,
      transact: async (change) => {
        const before = Y.encodeStateVector(doc);
        // Hocuspocus runs the callback outside a Yjs transaction, so every cell set would be an update of its
        // own: clients would render a row half written (status down, old latency). One transaction per write.
        await connection.transact((d) => (d as unknown as Y.Doc).transact(() => change(d as unknown as Y.Doc)));
        // The tracker's own writes are durable at once (the outbox marks a record sent only after this): the
        // change alone is appended now, and Hocuspocus writes the full state debounced.
        const update = Y.encodeStateAsUpdate(doc, before);
        if (update.length > 2) store.append(name, update, now());
      },
    };
  }

  observeRows(name: string, onChange: () => void): () => void {
    const unsubscribe = this.observers.add(name, onChange);
    // Opening attaches the observers; a document already open is attached now.
    void this.open(name).then((h) => this.observers.attach(name, h.doc)).catch(() => undefined);
    return unsubscribe;
  }

  /**
   * Compacts the database documents whose history has grown past `minBytes`, when no client but the tracker has
   * them open: the tracker's connection is closed (Hocuspocus stores and unloads the document), the stored state
   * is replaced by a copy of the current content, and the next write opens it again. Returns the names compacted.
   */
  async compactIdle(minBytes = COMPACT_MIN_BYTES): Promise<string[]> {
    const done: string[] = [];
    for (const [name, document] of this.server.hocuspocus.documents) {
      if (!name.startsWith("database/") || document.getConnections().length > 0 || this.compacting.has(name)) continue;
      if (Y.encodeStateAsUpdate(document as unknown as Y.Doc).length < minBytes) continue;
      const run = this.compact(name);
      this.compacting.set(name, run);
      try {
        if (await run.then(() => true, () => false)) done.push(name);
      } finally {
        this.compacting.delete(name);
      }
    }
    if (done.length > 0) this.options.logger.info({ documents: done }, "workspace documents compacted");
    return done;
  }

  /** Compacts idle documents on a timer until close(). */
  compactEvery(ms: number): void {
    if (this.compactTimer) clearInterval(this.compactTimer);
    this.compactTimer = setInterval(() => void this.compactIdle().catch((err) => this.options.logger.warn({ err }, "workspace compaction failed")), ms);
    this.compactTimer.unref();
  }

  private async compact(name: string): Promise<void> {
    const { store } = this.options;
    const now = this.options.now ?? Date.now;
    const connection = this.connections.get(name);
    this.handles.delete(name);
    this.connections.delete(name);
    this.observers.detach(name);
    await connection?.disconnect();
    // Someone may have opened it meanwhile: then it stays loaded and is left for the next round.
    const deadline = Date.now() + 5000;
    while (this.server.hocuspocus.documents.has(name)) {
      if (Date.now() > deadline) throw new Error(`${name} stayed loaded`);
      await new Promise((r) => setTimeout(r, 10));
    }
    const state = store.get(name);
    if (state) store.put(name, compactDoc(state, ["meta", "fields", "rows"]), now());
  }

  async close(): Promise<void> {
    const { store } = this.options;
    const now = this.options.now ?? Date.now;
    // Persist every loaded document before the server unloads them: edits still inside the debounce are kept.
    for (const [name, document] of this.server.hocuspocus.documents) {
      store.put(name, Y.encodeStateAsUpdate(document as unknown as Y.Doc), now());
    }
    if (this.compactTimer) clearInterval(this.compactTimer);
    await Promise.all(this.compacting.values());
    for (const c of this.connections.values()) await c.disconnect().catch(() => undefined);
    this.connections.clear();
    this.handles.clear();
    // ws's server leaves open sockets alone when it closes; end them so clients see the close and reconnect.
    for (const client of this.server.webSocketServer.clients) client.terminate();
    await this.server.destroy();
  }
}
