import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { NewRequirement } from "../../src/board/add-requirement-route.ts";
import { createBoard, type BoardDeps } from "../../src/board/create-board.ts";
import { parseConfig } from "../../src/config/parse-config.ts";
import { startHttpServer, type RunningHttpServer } from "../../src/http/http-server.ts";
import type { Logger } from "../../src/shared/logger.ts";
import { openStore, type Db } from "../../src/store/open-store.ts";
import { createWorkspace, type OpenedWorkspace } from "../../src/workspace/create-workspace.ts";
import { DATABASES } from "../../src/workspace/databases.ts";
import type { Workspace, WorkspaceKind } from "../../src/workspace/workspace.ts";
import { tempDir } from "../helpers/temp-dir.ts";

const REFERENCE_CONFIG = fileURLToPath(new URL("../../src/config/reference-config.yaml", import.meta.url));
const HOUR = 3_600_000;

export const API_KEY = "board-test-key-0123456789";

/** The reference requirements as the engine would have left them: one of each status but Invalid. */
export const SEEDED: { id: string; title: string; status: string; evidence: string; criteria: string; services: string }[] = [
  {
    id: "FR-001",
    title: "Router adds under 2 ms and the backends stay available",
    status: "Verified",
    criteria: "router.overhead.p95 < 2ms over 1h\navailability(mlx, ollama, lmstudio) >= 99% over 24h",
    evidence: "🟢 router.overhead.p95 < 2ms over 1h — 0.4ms vs < 2ms\n🟢 availability(mlx, ollama, lmstudio) >= 99% over 24h — 99.7% vs >= 99%",
    services: "mlx, ollama, lmstudio",
  },
  {
    id: "FR-002",
    title: "MLX serves Llama 3.2 3B",
    status: "Degraded",
    criteria: 'model.loaded(mlx, "Llama-3.2-3B-Instruct-4bit")\nmodel.load_time(mlx) < 5s',
    evidence: '🟢 model.loaded(mlx, "Llama-3.2-3B-Instruct-4bit") — true vs == true\n🔴 model.load_time(mlx) < 5s — 7.2s vs < 5s',
    services: "mlx",
  },
  {
    id: "FR-003",
    title: "Voice pipeline: speech in, speech out",
    status: "Failing",
    criteria: "pipeline.voice.success_rate >= 95% over 1h\npipeline.voice.rtf < 1",
    evidence: "🔴 pipeline.voice.success_rate >= 95% over 1h — 61% vs >= 95%\n🔴 pipeline.voice.rtf < 1 — 1.8 vs < 1",
    services: "whisper, tts",
  },
  {
    id: "FR-004",
    title: "Vision pipeline describes images",
    status: "Unverified",
    criteria: "pipeline.vision.success_rate >= 95% over 1h",
    evidence: "⚪ pipeline.vision.success_rate >= 95% over 1h — no runs in the last 1h",
    services: "vision",
  },
  {
    id: "FR-005",
    title: "Every service is checked at least every 30 s and alerts arrive",
    status: "Verified",
    criteria: "health.check_interval.max <= 30s over 1h\nalerts.delivered(service_down) over 7d",
    evidence: "🟢 health.check_interval.max <= 30s over 1h — 30s vs <= 30s\n🟢 alerts.delivered(service_down) over 7d — 3 vs delivered",
    services: "all",
  },
];

const REPORT = `# Incident report, last 24 h

**2 incidents**, 1 still open. Availability fell below 99% for \`whisper\`.

## Incidents
| Incident | Service | Opened | Duration |
| --- | --- | --- | --- |
| INC-0007 | whisper | 05:10 | open |
| INC-0006 | lmstudio | 01:02 | 12m |

## Requirements that changed status
- FR-003: Verified → Failing
- FR-002: Verified → Degraded

A line a person pasted: <img src=x onerror=alert(2)>
`;

export interface BoardFixture {
  /** The live board (embedded workspace, editable). */
  live: RunningHttpServer;
  /** The same data as an AppFlowy-configured tracker would show it: read-only, with row links. */
  readOnly: RunningHttpServer;
  /** The live board behind a bearer key. */
  withKey: RunningHttpServer;
  /** The current workspace (it changes when the server is restarted). */
  readonly workspace: Workspace;
  /** Requirements the add form asked for. */
  added: NewRequirement[];
  /** Stops the embedded workspace server, as a crash would. */
  stopWorkspace(): Promise<void>;
  /** Starts it again on the same port over the same data. */
  startWorkspace(): Promise<void>;
  close(): Promise<void>;
}

/** Seeds the six databases, a store with a day of observations, and the boards over them. */
export async function startBoardFixture(logger: Logger, now = Date.now()): Promise<BoardFixture> {
  const dir = tempDir("ai-tracker-board-");
  const config = parseConfig(readFileSync(REFERENCE_CONFIG, "utf8"), { source: "reference-config.yaml" });
  let opened: OpenedWorkspace | undefined;
  let port = 0;
  const start = async (): Promise<void> => {
    opened = await createWorkspace({ config: { kind: "local", host: "127.0.0.1", port }, dataDir: dir.path, mode: "serve", logger });
    port = opened.server!.port;
  };
  await start();
  const current = (): Workspace => {
    if (!opened) throw new Error("the workspace is stopped");
    return opened.workspace;
  };
  const workspace = delegate(current, "local");

  for (const spec of DATABASES) await workspace.ensureDatabase(spec);
  await seedWorkspace(workspace, now);
  const store = openStore(join(dir.path, "tracker.sqlite"));
  seedObservations(store, config.services.map((s) => s.name), now);

  const added: NewRequirement[] = [];
  const base: BoardDeps = { config, logger, now: () => Date.now(), store, workspace };
  const addRequirement = async (input: NewRequirement): Promise<void> => {
    added.push(input);
    // Stands in for the catalog's addRequirementFromTemplate: seeds the row as the template would.
    await workspace.upsertRow("Requirements", input.id, {
      seed: { Title: input.title, Services: input.service, Criteria: `availability(${input.service}) >= 99% over 24h`, Owner: "", Priority: "P2", Description: "" },
      set: { Status: "Unverified", Evidence: "" },
    });
  };
  const liveBoard = createBoard({ ...base, workspaceUrl: opened!.server!.url, addRequirement });
  const readOnlyBoard = createBoard({
    ...base,
    workspace: delegate(current, "appflowy"),
    rowUrl: (db, key) => `https://appflowy.example.test/app/${encodeURIComponent(db)}/${encodeURIComponent(key)}`,
    snapshotRefreshMs: 2000,
  });
  const keyBoard = createBoard({ ...base, workspaceUrl: opened!.server!.url });
  const serve = (handler: typeof liveBoard.handler, apiKey?: string) => startHttpServer({ host: "127.0.0.1", port: 0, apiKey, handlers: [handler], logger });
  const live = await serve(liveBoard.handler);
  const readOnly = await serve(readOnlyBoard.handler);
  const withKey = await serve(keyBoard.handler, API_KEY);

  return {
    live,
    readOnly,
    withKey,
    get workspace() {
      return workspace;
    },
    added,
    stopWorkspace: async () => {
      const o = opened;
      opened = undefined;
      await o?.workspace.close();
    },
    startWorkspace: start,
    close: async () => {
      await Promise.all([live.close(), readOnly.close(), withKey.close()]);
      await opened?.workspace.close();
      store.close();
      dir.remove();
    },
  };
}

/** A workspace that forwards to whichever one is current, reporting the given kind (AppFlowy for the read-only board). */
function delegate(current: () => Workspace, kind: WorkspaceKind): Workspace {
  return {
    kind,
    ensureDatabase: (spec) => current().ensureDatabase(spec),
    upsertRow: (db, key, write) => current().upsertRow(db, key, write),
    deleteRow: (db, key) => current().deleteRow(db, key),
    readRows: (db) => current().readRows(db),
    writePage: (page) => current().writePage(page),
    readPages: () => current().readPages(),
    listDatabases: () => current().listDatabases(),
    watch: (db, onChange) => current().watch(db, onChange),
    close: async () => undefined,
  };
}

async function seedWorkspace(ws: Workspace, now: number): Promise<void> {
  const iso = (t: number) => new Date(t).toISOString();
  for (const r of SEEDED) {
    await ws.upsertRow("Requirements", r.id, {
      seed: { Title: r.title, Description: `${r.title}. Seeded from templates/requirements/${r.id.toLowerCase()}.md.hbs.`, Services: r.services, Criteria: r.criteria, Owner: "platform-team", Priority: "P1" },
      set: { Status: r.status, Evidence: r.evidence, "Last verified": iso(now - 4 * 60_000) },
    });
  }
  const services: [string, string, number | null, number][] = [
    ["mlx", "up", 38, 99.9],
    ["ollama", "up", 12, 100],
    ["lmstudio", "cold", 21, 99.2],
    ["lfm2", "up", 4.2, 100],
    ["candle", "down", null, 71.5],
    ["whisper", "degraded", 640, 96.1],
    ["tts", "up", 880, 99.6],
  ];
  for (const [name, status, latency, uptime] of services) {
    await ws.upsertRow("Services", name, {
      set: { Name: name, Kind: name, Status: status, "Latency ms": latency, "Uptime 24h %": uptime, "Last check": iso(now - 20_000), Version: "1.0" },
    });
  }
  await ws.upsertRow("Incidents", "INC-0007", {
    set: { Incident: "INC-0007", Service: "whisper", Kind: "down", Severity: "critical", Status: "open", Opened: iso(now - 3 * HOUR), Summary: "whisper answered 503 three times in a row <b>not bold</b>" },
  });
  await ws.upsertRow("Incidents", "INC-0006", {
    set: { Incident: "INC-0006", Service: "lmstudio", Kind: "performance", Severity: "warning", Status: "resolved", Opened: iso(now - 7 * HOUR), Resolved: iso(now - 7 * HOUR + 12 * 60_000), Duration: "12m", Summary: "p95 latency over 2× baseline" },
  });
  await ws.writePage({ key: "incident-report-yesterday", title: "Incident report (yesterday)", markdown: "# Yesterday\n\nNo incidents." });
  await ws.writePage({ key: "incident-report-today", title: "Incident report (today)", markdown: REPORT });
}

/** A day of observations, one a minute per service; candle is down for the last 6 hours, whisper flaps. */
function seedObservations(db: Db, services: readonly string[], now: number): void {
  const insert = db.prepare("INSERT INTO observations (service, kind, status, latency_ms, at) VALUES (?, ?, ?, ?, ?)");
  db.transaction(() => {
    services.forEach((service, si) => {
      for (let t = now - 24 * HOUR; t < now; t += 60_000) {
        const minute = Math.floor(t / 60_000);
        let status = "up";
        if (service === "candle" && t > now - 6 * HOUR) status = "down";
        if (service === "whisper" && minute % 23 === 0) status = "down";
        const latency = status === "down" ? null : 5 + si * 7 + ((minute * 37) % 17) + 10 * Math.sin(t / (3 * HOUR));
        insert.run(service, "test", status, latency, t);
      }
    });
  })();
}
