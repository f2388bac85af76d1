import { HocuspocusProvider, HocuspocusProviderWebsocket } from "@hocuspocus/provider";
import * as Y from "yjs";
import {
  WORKSPACE_DOC,
  databaseDocName,
  pageDocName,
  readDatabaseSpec,
  readPageFromDoc,
  readRowsFromDoc,
  upsertRowInDoc,
} from "../../workspace/local/yjs-layout.ts";
import { BOARD_DATABASES, BOARD_PAGE_LIMIT } from "./board-databases.ts";
import type { BoardData, BoardPage, BoardRow } from "./board-types.ts";
import type { Connection, DataSource } from "./data-source.ts";

interface OpenDoc {
  doc: Y.Doc;
  provider: HocuspocusProvider;
}

/**
 * The embedded workspace, live: one Yjs provider per document over one shared socket. Every change from any
 * client re-renders the board; edits are Yjs transactions, kept locally while offline and sent on reconnect.
 */
export class LiveSource implements DataSource {
  private readonly url: string;
  private readonly token: string;
  private socket: HocuspocusProviderWebsocket | undefined;
  private readonly docs = new Map<string, OpenDoc>();
  private onData: (data: BoardData) => void = () => undefined;
  private onConnection: (c: Connection) => void = () => undefined;
  private everLive = false;
  private ready = false;
  private refused: string | undefined;
  private pending: ReturnType<typeof setTimeout> | undefined;
  private recovery: ReturnType<typeof setTimeout> | undefined;

  constructor(workspace: { url: string; token?: string }) {
    this.url = workspace.url;
    // The embedded server ignores the token unless it has one configured; Hocuspocus still wants a value.
    this.token = workspace.token ?? "board";
  }

  start(onData: (data: BoardData) => void, onConnection: (c: Connection) => void): void {
    this.onData = onData;
    this.onConnection = onConnection;
    // Retry quickly and keep retrying: a restarted tracker should be back on the board within seconds.
    this.socket = new HocuspocusProviderWebsocket({ url: this.url, delay: 500, minDelay: 250, maxDelay: 3000, factor: 1.5, maxAttempts: 0 });
    this.socket.on("status", () => this.report());
    for (const name of Object.values(BOARD_DATABASES)) this.open(databaseDocName(name));
    const index = this.open(WORKSPACE_DOC);
    index.doc.getMap("pages").observeDeep(() => this.followPages());
    this.report();
  }

  save(key: string, field: string, value: string): void {
    const open = this.docs.get(databaseDocName(BOARD_DATABASES.requirements));
    const spec = open && readDatabaseSpec(open.doc);
    if (!open || !spec) return;
    open.doc.transact(() => upsertRowInDoc(open.doc, spec.keyField, key, { [field]: value }, {}, Date.now()), "board");
  }

  private open(name: string): OpenDoc {
    const existing = this.docs.get(name);
    if (existing) return existing;
    const doc = new Y.Doc();
    const provider = new HocuspocusProvider({
      websocketProvider: this.socket!,
      name,
      document: doc,
      token: this.token,
      onSynced: () => {
        this.report();
        this.schedule();
      },
      onAuthenticationFailed: ({ reason }) => {
        this.refused = reason || "the token was not accepted";
        this.report();
      },
      onUnsyncedChanges: () => this.report(),
      onClose: () => {
        this.report();
        this.recoverSoon();
      },
    });
    // With a shared socket a provider does not connect until attached.
    provider.attach();
    doc.on("update", () => this.schedule());
    const entry = { doc, provider };
    this.docs.set(name, entry);
    return entry;
  }

  /**
   * A server that unloads its documents (a workspace closed and restarted inside one process) closes them one by
   * one but can leave the socket itself open, and the provider would sit on it until its 30 s silence check. When
   * a document is still not back a few seconds after such a close, drop the socket so it reconnects and resyncs.
   */
  private recoverSoon(): void {
    if (this.recovery) return;
    this.recovery = setTimeout(() => {
      this.recovery = undefined;
      const stuck = this.core().some((d) => !d.provider.isSynced);
      if (stuck && this.socket?.status === "connected") this.socket.webSocket?.close();
    }, 3000);
  }

  private close(name: string): void {
    const entry = this.docs.get(name);
    if (!entry) return;
    this.docs.delete(name);
    entry.provider.destroy();
    entry.doc.destroy();
  }

  /** Keeps the newest pages open (and only those), as the index lists them. */
  private followPages(): void {
    const index = this.docs.get(WORKSPACE_DOC)!.doc.getMap<Y.Map<unknown>>("pages");
    const newest = [...index.entries()]
      .map(([key, entry]) => ({ key, at: Number(entry.get("updatedAt") ?? 0) }))
      .sort((a, b) => b.at - a.at)
      .slice(0, BOARD_PAGE_LIMIT)
      .map((p) => pageDocName(p.key));
    for (const name of [...this.docs.keys()]) if (name.startsWith("page/") && !newest.includes(name)) this.close(name);
    for (const name of newest) this.open(name);
    this.schedule();
  }

  /** The documents the board needs before it can say it is live (pages may load a moment later). */
  private core(): OpenDoc[] {
    return [...this.docs.entries()].filter(([n]) => !n.startsWith("page/")).map(([, d]) => d);
  }

  private report(): void {
    const connected = this.socket?.status === "connected";
    const synced = this.core().every((d) => d.provider.isSynced);
    const pending = [...this.docs.values()].some((d) => d.provider.hasUnsyncedChanges && d.provider.isSynced);
    let state: Connection["state"];
    if (this.refused) state = "refused";
    else if (connected && synced) state = "live";
    else state = this.everLive ? "lost" : "connecting";
    if (state === "live") this.everLive = true;
    if (!this.ready && synced) {
      this.ready = true;
      this.schedule();
    }
    this.onConnection({ state, pending, ...(this.refused ? { detail: `The workspace refused the board: ${this.refused}` } : {}) });
  }

  private schedule(): void {
    if (!this.ready || this.pending) return;
    // Coalesce a burst of updates (a sync, a tracker transaction touching many rows) into one render.
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.onData(this.read());
    }, 16);
  }

  private rows(database: string): BoardRow[] {
    const open = this.docs.get(databaseDocName(database));
    const spec = open && readDatabaseSpec(open.doc);
    if (!open || !spec) return [];
    return readRowsFromDoc(open.doc, spec.keyField);
  }

  private read(): BoardData {
    const pages: BoardPage[] = [];
    for (const [name, { doc }] of this.docs) {
      if (!name.startsWith("page/")) continue;
      const page = readPageFromDoc(doc);
      if (page) pages.push(page);
    }
    pages.sort((a, b) => b.updatedAt - a.updatedAt);
    return { requirements: this.rows(BOARD_DATABASES.requirements), services: this.rows(BOARD_DATABASES.services), incidents: this.rows(BOARD_DATABASES.incidents), pages };
  }
}
