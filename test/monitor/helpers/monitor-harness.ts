import { join } from "node:path";
import type { AppDeps } from "../../../src/app-deps.ts";
import { ConfigSchema, type Config, type ServiceConfig } from "../../../src/config/schema.ts";
import { createMonitor, type Monitor, type MonitorOptions } from "../../../src/monitor/create-monitor.ts";
import { LiveState } from "../../../src/monitor/live-state.ts";
import { emptyResult, type ProbeResult, type ProbeStatus } from "../../../src/probes/probe-kind.ts";
import { deepFreeze } from "../../../src/shared/deep-freeze.ts";
import { openStore, type Db } from "../../../src/store/open-store.ts";
import { createWorkspace } from "../../../src/workspace/create-workspace.ts";
import { DATABASES } from "../../../src/workspace/databases.ts";
import { MemoryRecordWriter } from "../../../src/workspace/memory-record-writer.ts";
import type { Workspace } from "../../../src/workspace/workspace.ts";
import { captureLogs } from "../../helpers/capture-logs.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

export const T0 = Date.parse("2026-11-25T10:00:00.000Z");

/** A clock tests move by hand; deps.now reads it. */
export class TestClock {
  t: number;
  constructor(t = T0) {
    this.t = t;
  }
  now = (): number => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
}

/** A synthetic probe result. */
export function result(status: ProbeStatus, over: Partial<ProbeResult> = {}): ProbeResult {
  return { ...emptyResult(status, status === "up" ? "ok" : `${status} for the test`), latencyMs: status === "down" ? null : 20, ...over };
}

/** A service entry that passes the config schema. */
export function service(name: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return { name, kind: "openai-compatible", url: `http://127.0.0.1:9/${name}`, ...over };
}

export interface Harness {
  dir: string;
  config: Config;
  clock: TestClock;
  store: Db;
  workspace: Workspace;
  records: MemoryRecordWriter;
  live: LiveState;
  logs: ReturnType<typeof captureLogs>;
  deps: AppDeps;
  /** What the fake runProbe answers next, per service (the last one repeats). */
  script: Map<string, ProbeResult[]>;
  set(name: string, ...results: ProbeResult[]): void;
  /** A fresh monitor over the same store and workspace, as after a restart of the tracker. */
  newMonitor(options?: MonitorOptions): Monitor;
  monitor: Monitor;
  teardown(): Promise<void>;
}

/**
 * A monitor over a real SQLite store and a real embedded workspace in a temp dir, with a hand-moved clock and
 * probe results scripted per service.
 */
export async function monitorHarness(raw: Record<string, unknown>, options: MonitorOptions = {}): Promise<Harness> {
  const dir = tempDir();
  const config = deepFreeze(
    ConfigSchema.parse({ dataDir: dir.path, workspace: { kind: "local", port: 0, host: "127.0.0.1" }, ...raw }),
  ) as Config;
  const clock = new TestClock();
  const logs = captureLogs("debug");
  const store = openStore(join(dir.path, "tracker.sqlite"));
  const { workspace } = await createWorkspace({ config: config.workspace, dataDir: dir.path, mode: "serve", logger: logs.logger, now: clock.now });
  for (const spec of DATABASES) await workspace.ensureDatabase(spec);
  const records = new MemoryRecordWriter(workspace, logs.logger);
  const live = new LiveState();
  const deps: AppDeps = { config, logger: logs.logger, fetch, now: clock.now, store, workspace, records, live };
  const script = new Map<string, ProbeResult[]>();
  const runProbe = async (target: ServiceConfig): Promise<ProbeResult> => {
    const queue = script.get(target.name) ?? [result("up")];
    const next = queue.length > 1 ? queue.shift()! : queue[0]!;
    return structuredClone(next);
  };
  const monitors: Monitor[] = [];
  const newMonitor = (o: MonitorOptions = {}): Monitor => {
    const m = createMonitor(deps, { runProbe, defaultMetrics: false, ...options, ...o });
    monitors.push(m);
    return m;
  };
  const h: Harness = {
    dir: dir.path,
    config,
    clock,
    store,
    workspace,
    records,
    live,
    logs,
    deps,
    script,
    set: (name, ...results) => script.set(name, results),
    newMonitor,
    monitor: undefined as unknown as Monitor,
    async teardown() {
      for (const m of monitors) await m.stop();
      await records.close();
      await workspace.close();
      store.close();
      dir.remove();
    },
  };
  h.monitor = newMonitor();
  return h;
}

/** Rows of the shared alerts table, oldest first. */
export function alertRows(db: Db): { kind: string; service: string; incident_id: string; channel: string; delivered: number; error: string | null }[] {
  return db.prepare(`SELECT kind, service, incident_id, channel, delivered, error FROM alerts ORDER BY id`).all() as never;
}

export function incidentRows(db: Db): { id: string; service: string; kind: string; severity: string; status: string; opened_at: number; resolved_at: number | null; summary: string; requirements: string; detail: string }[] {
  return db.prepare(`SELECT * FROM incidents ORDER BY opened_at, id`).all() as never;
}

export async function until(cond: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}
