import { existsSync } from "node:fs";
import { join } from "node:path";
import { STORE_FILE } from "../app.ts";
import type { Config } from "../config/schema.ts";
import type { Logger } from "../shared/logger.ts";
import { runningTracker } from "../store/data-lock.ts";
import { openStore, type Db } from "../store/open-store.ts";
import { createWorkspace, WORKSPACE_FILE } from "../workspace/create-workspace.ts";
import type { Workspace } from "../workspace/workspace.ts";
import { TrackerError } from "../shared/errors.ts";

/** The store read-only, or undefined before the first `start`. Works while `start` runs (WAL readers). */
export function openStoreForReading(config: Config): Db | undefined {
  const path = join(config.dataDir, STORE_FILE);
  return existsSync(path) ? openStore(path, { readonly: true }) : undefined;
}

/** The workspace as it is now, without writing: the snapshot on disk for the embedded one. */
export async function openWorkspaceForReading(config: Config, logger: Logger): Promise<Workspace> {
  if (config.workspace.kind === "local" && !existsSync(join(config.dataDir, WORKSPACE_FILE))) {
    throw new TrackerError("WORKSPACE_UNAVAILABLE", `${config.dataDir}: no embedded workspace yet; run \`ai-tracker start\` (or npm start) first`, { exitCode: 1 });
  }
  return (await createWorkspace({ config: config.workspace, dataDir: config.dataDir, mode: "snapshot", logger })).workspace;
}

/**
 * The workspace for a one-shot write: through the running tracker's embedded server when there is one (so its
 * clients see the change live), else by serving the data folder briefly on a free port.
 */
export async function openWorkspaceForWriting(config: Config, logger: Logger): Promise<Workspace> {
  const running = config.workspace.kind === "local" ? runningTracker(config.dataDir) : undefined;
  if (running?.workspaceUrl) {
    return (await createWorkspace({ config: config.workspace, dataDir: config.dataDir, mode: "client", url: running.workspaceUrl, logger })).workspace;
  }
  return (await createWorkspace({ config: config.workspace, dataDir: config.dataDir, mode: "serve", port: 0, logger })).workspace;
}
