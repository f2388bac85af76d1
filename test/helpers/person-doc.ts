import { HocuspocusProvider, HocuspocusProviderWebsocket } from "@hocuspocus/provider";
import WebSocket from "ws";
import * as Y from "yjs";

/** A person's Yjs client: a real provider over WebSocket to the embedded server. */
export async function personDoc(url: string, name: string): Promise<{ doc: Y.Doc; flush: () => Promise<void>; close: () => void }> {
  const socket = new HocuspocusProviderWebsocket({ url, WebSocketPolyfill: WebSocket });
  const doc = new Y.Doc();
  const provider = new HocuspocusProvider({ websocketProvider: socket, name, document: doc, token: "person" });
  provider.attach();
  await new Promise<void>((resolve) => provider.on("synced", () => resolve()));
  return {
    doc,
    flush: async () => {
      while (provider.hasUnsyncedChanges) await new Promise((r) => setTimeout(r, 10));
    },
    close: () => {
      provider.destroy();
      socket.destroy();
    },
  };
}

