import { join } from "node:path";
import type { Logger } from "../shared/logger.ts";
import { AppFlowyWorkspace } from "./appflowy-cloud/index.ts";
import { LocalWorkspace } from "./local/index.ts";
import { DocumentStore } from "./local/document-store.ts";
import { EmbeddedServer } from "./local/embedded-server.ts";
import { ProviderSource } from "./local/provider-source.ts";
import { SnapshotSource } from "./local/snapshot-source.ts";
import type { Workspace } from "./workspace.ts";
import type { WorkspaceConfig } from "./workspace-config.ts";

export const WORKSPACE_FILE = "workspace.sqlite";

/** How often the embedded workspace sheds the history of documents nobody has open. */
const COMPACT_EVERY_MS = 15 * 60_000;

/**
 * serve: run the embedded workspace (the tracker's `start`);
 * client: talk to a running one (commands while `start` runs);
 * snapshot: read what is on disk, never write.
 */
export type WorkspaceMode = "serve" | "client" | "snapshot";

export interface CreateWorkspaceOptions {
  config: WorkspaceConfig;
  dataDir: string;
  mode: WorkspaceMode;
  logger: Logger;
  now?: () => number;
  fetch?: typeof fetch;
  /** client mode: the running workspace's ws:// URL (from the data folder's lock), instead of host:port. */
  url?: string;
  /** serve mode: bind this port instead of the configured one (0 for one-shot commands). */
  port?: number;
}

export interface OpenedWorkspace {
  workspace: Workspace;
  /** The embedded server when this process serves it (for its URL and port). */
  server?: EmbeddedServer;
}

export async function createWorkspace(options: CreateWorkspaceOptions): Promise<OpenedWorkspace> {
  const { config, logger } = options;
  switch (config.kind) {
    case "local": {
      const file = join(options.dataDir, WORKSPACE_FILE);
      if (options.mode === "client") {
        const source = new ProviderSource({ url: options.url ?? `ws://${config.host}:${config.port}`, token: config.token });
        return { workspace: new LocalWorkspace({ source, logger, now: options.now }) };
      }
      const store = new DocumentStore(file, { readonly: options.mode === "snapshot" });
      if (options.mode === "snapshot") return { workspace: new LocalWorkspace({ source: new SnapshotSource(store), logger, now: options.now }) };
      try {
        const server = await EmbeddedServer.start({ store, host: config.host, port: options.port ?? config.port, token: config.token, logger, now: options.now });
        server.compactEvery(COMPACT_EVERY_MS);
        return { workspace: new LocalWorkspace({ source: server, logger, now: options.now }), server };
      } catch (err) {
        store.close();
        throw err;
      }
    }
    case "appflowy":
      // Every mode talks to the same server; nothing runs locally.
      return { workspace: new AppFlowyWorkspace({ config, fetch: options.fetch ?? fetch, logger, now: options.now }) };
    default: {
      const never: never = config;
      throw new Error(`unknown workspace kind ${(never as { kind: string }).kind}`);
    }
  }
}
