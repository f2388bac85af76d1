import type { Config } from "./config/schema.ts";
import type { LiveState } from "./monitor/live-state.ts";
import type { Logger } from "./shared/logger.ts";
import type { Db } from "./store/open-store.ts";
import type { RecordWriter } from "./workspace/record-writer.ts";
import type { Workspace } from "./workspace/workspace.ts";

/** What the composition root hands every concern: nothing reads globals, so tests pass their own. */
export interface AppDeps {
  config: Config;
  logger: Logger;
  fetch: typeof fetch;
  now: () => number;
  /** The local store (SQLite): observations, runs, benchmarks, incidents, alerts, evidence. */
  store: Db;
  workspace: Workspace;
  /** Records bound for the workspace go through here, never straight to `workspace`. */
  records: RecordWriter;
  /** Latest probe result per service. */
  live: LiveState;
}

/** A part of the tracker that runs until stopped; whatever starts a timer also stops it. */
export interface Service {
  start(): Promise<void>;
  stop(): Promise<void>;
}
