import { join } from "node:path";
import type { AppDeps, Service } from "./app-deps.ts";
import type { Config } from "./config/schema.ts";
import { sendJson, startHttpServer, type RouteHandler, type RunningHttpServer } from "./http/http-server.ts";
import { LiveState } from "./monitor/live-state.ts";
import { loadReferenceRequirements } from "./requirements/catalog.ts";
import type { Requirement } from "./requirements/requirement.ts";
import { syncRequirements } from "./requirements/sync-requirements.ts";
import type { Logger } from "./shared/logger.ts";
import { acquireDataLock } from "./store/data-lock.ts";
import { openStore, type Db } from "./store/open-store.ts";
import { createWorkspace, type OpenedWorkspace } from "./workspace/create-workspace.ts";
import { DATABASES } from "./workspace/databases.ts";
import { createBoard } from "./board/create-board.ts";
import { addRequirement } from "./requirements/add-requirement.ts";
import { createEvidenceEngine } from "./evidence/create-evidence-engine.ts";
import { createMonitor } from "./monitor/create-monitor.ts";
import { createOutbox, type Outbox } from "./outbox/create-outbox.ts";
import { AppFlowyWorkspace } from "./workspace/appflowy-cloud/index.ts";
import { createPipelines } from "./pipelines/create-pipelines.ts";
import { createRouter } from "./router/create-router.ts";
import { registerRouterMetrics } from "./router/router-metrics.ts";

export const STORE_FILE = "tracker.sqlite";

export interface AppOptions {
  logger: Logger;
  fetch?: typeof fetch;
  now?: () => number;
  /** The requirement set to seed; the reference templates by default. */
  requirements?: Requirement[];
}

export interface App {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Set once started. */
  readonly httpUrl: string;
  readonly workspaceUrl: string | undefined;
  readonly deps: AppDeps;
}

/**
 * The composition root: builds every part from the config and the injected logger, fetch and clock, starts them
 * in order (store, workspace, records, requirements, HTTP, monitor, evidence) and stops them in reverse.
 */
export function createApp(config: Config, options: AppOptions): App {
  const logger = options.logger;
  const now = options.now ?? Date.now;
  const fetchFn = options.fetch ?? fetch;
  const cleanups: (() => Promise<void> | void)[] = [];
  let deps: AppDeps | undefined;
  let http: RunningHttpServer | undefined;
  let opened: OpenedWorkspace | undefined;
  let stopping: Promise<void> | undefined;

  async function start(): Promise<void> {
    const started = performance.now();
    const requirements = options.requirements ?? loadReferenceRequirements();
    const lock = acquireDataLock(config.dataDir, { startedAt: now() });
    cleanups.push(() => lock.release());
    try {
      const store: Db = openStore(join(config.dataDir, STORE_FILE));
      cleanups.push(() => void store.close());

      opened = await createWorkspace({ config: config.workspace, dataDir: config.dataDir, mode: "serve", logger, now, fetch: fetchFn });
      const workspace = opened.workspace;
      cleanups.push(() => workspace.close());

      // Every record goes through the durable outbox; what a previous run left unsent goes out first.
      const records = createOutbox({ db: store, workspace, logger, now });
      records.start();
      cleanups.push(() => records.stop());

      deps = { config, logger, fetch: fetchFn, now, store, workspace, records, live: new LiveState() };

      await prepareWorkspace(deps, records, requirements);
      logger.info({ ms: Math.round(performance.now() - started), workspace: config.workspace.kind, url: opened.server?.url }, "workspace ready");

      const monitor = createMonitor(deps);
      const router = createRouter(deps);
      cleanups.push(() => router.stop());
      monitor.registerMetrics((registry) => registerRouterMetrics(registry, router.snapshot));
      const pipelines = createPipelines(deps, router);
      const evidence = createEvidenceEngine(deps, { alert: (a) => monitor.alert(a) });
      const serviceNames = config.services.map((s) => s.name);
      const board = createBoard({
        ...deps,
        workspaceUrl: opened.server?.url,
        addRequirement: (input) => addRequirement(workspace, input, serviceNames),
        rowUrl: workspace instanceof AppFlowyWorkspace ? (db, key) => workspace.rowUrl(db, key) : undefined,
      });
      const services: Service[] = [monitor, evidence];
      const handlers: RouteHandler[] = [healthz(deps), monitor.metricsHandler, router.handler, pipelines.handler, board.handler];
      const [host, port] = splitListen(config.http.listen);
      http = await startHttpServer({ host, port, apiKey: config.http.apiKey, isPublic: board.isPublic, handlers, logger });
      cleanups.push(() => http!.close());
      lock.update({ httpUrl: http.url, workspaceUrl: opened.server?.url });
      void board.warm();

      for (const s of services) {
        await s.start();
        cleanups.push(() => s.stop());
      }
      logger.info({ ms: Math.round(performance.now() - started), http: http.url }, "tracker started");
    } catch (err) {
      await runCleanups();
      throw err;
    }
  }

  async function runCleanups(): Promise<void> {
    for (const c of cleanups.splice(0).reverse()) {
      try {
        await c();
      } catch (err) {
        logger.error({ err }, "shutdown step failed");
      }
    }
  }

  return {
    start,
    stop: () => (stopping ??= runCleanups()),
    get httpUrl() {
      if (!http) throw new Error("the tracker is not started");
      return http.url;
    },
    get workspaceUrl() {
      return opened?.server?.url;
    },
    get deps() {
      if (!deps) throw new Error("the tracker is not started");
      return deps;
    },
  };
}

/** How long start waits for the first records to reach a remote workspace before carrying on without it. */
const REMOTE_READY_TIMEOUT_MS = 10_000;

/**
 * Creates the databases and seeds the requirements. The embedded workspace must work (a failure there is a broken
 * data folder); a remote one may be down at start: the records wait in the outbox and land when it is back,
 * instead of the tracker failing and crash-looping under a supervisor.
 */
async function prepareWorkspace(deps: AppDeps, records: Outbox, requirements: Requirement[]): Promise<void> {
  const { workspace, logger } = deps;
  const remote = workspace.kind !== "local";
  let reachable = true;
  try {
    for (const spec of DATABASES) await workspace.ensureDatabase(spec);
  } catch (err) {
    if (!remote) throw err;
    reachable = false;
    logger.warn({ err, workspace: workspace.kind }, "workspace not reachable at start; records wait in the outbox");
  }
  syncRequirements(requirements, records, logger);
  if (!remote) return records.flush();
  if (!reachable) return;
  if (!(await records.flushWithin(REMOTE_READY_TIMEOUT_MS))) logger.warn({ workspace: workspace.kind }, "workspace slow at start; records keep going out in the background");
}

export function splitListen(listen: string): [string, number] {
  const i = listen.lastIndexOf(":");
  return [listen.slice(0, i), Number(listen.slice(i + 1))];
}

/** Liveness for orchestrators: 200 while the store answers, with the services' latest states. */
function healthz(deps: AppDeps): RouteHandler {
  const ping = deps.store.prepare("SELECT 1");
  return (req, res, url) => {
    if (url.pathname !== "/healthz" || req.method !== "GET") return false;
    let storeOk = true;
    try {
      ping.get();
    } catch {
      storeOk = false;
    }
    const services = Object.fromEntries(deps.live.all().map((s) => [s.service.name, s.result.status]));
    sendJson(res, storeOk ? 200 : 503, { status: storeOk ? "ok" : "store unavailable", workspace: deps.workspace.kind, services });
    return true;
  };
}
