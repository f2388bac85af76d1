import { HocuspocusProvider, HocuspocusProviderWebsocket } from "@hocuspocus/provider";
import WebSocket from "ws";
import * as Y from "yjs";
import { TrackerError } from "../../shared/errors.ts";
import type { DocHandle, DocSource } from "./doc-source.ts";
import { RowObservers } from "./row-observers.ts";

export interface ProviderSourceOptions {
  /** ws://host:port of a running embedded workspace. */
  url: string;
  token?: string;
  /** How long to wait for the first sync and for each write's acknowledgement. */
  timeoutMs?: number;
}

/** Documents of a running workspace, edited as any other Yjs client would: used by commands while `start` runs. */
export class ProviderSource implements DocSource {
  readonly writable = true;
  private readonly options: ProviderSourceOptions;
  private readonly socket: HocuspocusProviderWebsocket;
  private readonly providers = new Map<string, Promise<{ provider: HocuspocusProvider; handle: DocHandle }>>();
  private readonly observers = new RowObservers();

  constructor(options: ProviderSourceOptions) {
    this.options = options;
    this.socket = new HocuspocusProviderWebsocket({ url: options.url, WebSocketPolyfill: WebSocket, maxAttempts: 3 });
  }

  async open(name: string): Promise<DocHandle> {
    let p = this.providers.get(name);
    if (!p) {
      p = this.connect(name);
      this.providers.set(name, p);
      p.catch(() => this.providers.delete(name));
    }
    return (await p).handle;
  }

  private connect(name: string): Promise<{ provider: HocuspocusProvider; handle: DocHandle }> {
    const timeoutMs = this.options.timeoutMs ?? 5000;
    const doc = new Y.Doc();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        provider.destroy();
        reject(new TrackerError("WORKSPACE_UNAVAILABLE", `workspace ${this.options.url}: no sync of "${name}" within ${timeoutMs} ms`));
      }, timeoutMs);
      const provider: HocuspocusProvider = new HocuspocusProvider({
        websocketProvider: this.socket,
        name,
        document: doc,
        token: this.options.token ?? "tracker",
        onSynced: () => {
          clearTimeout(timer);
          resolve({
            provider,
            handle: {
              doc,
              transact: async (change) => {
                doc.transact(() => change(doc));
                await waitUntil(() => !provider.hasUnsyncedChanges, timeoutMs, `workspace ${this.options.url}: write to "${name}" not acknowledged`);
              },
            },
          });
        },
        onAuthenticationFailed: ({ reason }) => {
          clearTimeout(timer);
          reject(new TrackerError("WORKSPACE_UNAVAILABLE", `workspace ${this.options.url}: authentication failed (${reason})`));
        },
      });
      // A provider sharing a separate websocket must be attached explicitly, or it never connects.
      provider.attach();
    });
  }

  observeRows(name: string, onChange: () => void): () => void {
    const unsubscribe = this.observers.add(name, onChange);
    // Attaching does nothing once every observer of `name` has left, so an unsubscribe before the open is kept.
    void this.open(name).then((h) => this.observers.attach(name, h.doc), () => undefined);
    return unsubscribe;
  }

  async close(): Promise<void> {
    for (const p of this.providers.values()) {
      const entry = await p.catch(() => undefined);
      entry?.provider.destroy();
    }
    this.providers.clear();
    this.socket.destroy();
  }
}

async function waitUntil(ok: () => boolean, timeoutMs: number, message: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new TrackerError("WORKSPACE_UNAVAILABLE", message);
    await new Promise((r) => setTimeout(r, 10));
  }
}
