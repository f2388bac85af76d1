import { join } from "node:path";
import { parseConfig } from "../../src/config/parse-config.ts";
import type { Config, ServiceConfig } from "../../src/config/schema.ts";
import { startHttpServer, type RunningHttpServer } from "../../src/http/http-server.ts";
import { LiveState } from "../../src/monitor/live-state.ts";
import { emptyResult, type ProbeResult } from "../../src/probes/probe-kind.ts";
import { createPipelines } from "../../src/pipelines/create-pipelines.ts";
import { createRouter, type Router } from "../../src/router/create-router.ts";
import { openStore } from "../../src/store/open-store.ts";
import type { Db } from "../../src/store/open-store.ts";
import { captureLogs } from "../helpers/capture-logs.ts";
import { tempDir } from "../helpers/temp-dir.ts";

export interface RunRowRead {
  type: string;
  api: string | null;
  backend: string | null;
  tier: string | null;
  model: string | null;
  stream: number;
  attempts: number;
  outcome: string;
  error: string | null;
  failed_stage: string | null;
  overhead_ms: number | null;
  upstream_ms: number | null;
  ttfb_ms: number | null;
  total_ms: number | null;
  audio_seconds: number | null;
  stages: string;
}

export interface RouterHarness {
  url: string;
  config: Config;
  router: Router;
  live: LiveState;
  store: Db;
  /** Log lines written so far, as text (for "no prompt in logs"). */
  logText(): string;
  /** Moves the router's epoch clock (breaker cool-downs, model list ages). */
  advance(ms: number): void;
  /** Run rows written so far (flushes the recorder first). */
  runs(): RunRowRead[];
  /** Sets what the monitor last saw for a service. */
  observe(name: string, result: Partial<ProbeResult>): void;
  close(): Promise<void>;
}

/**
 * Starts the router (and, when asked, the pipelines) on 127.0.0.1:0 behind the tracker's HTTP server, over a
 * real store in a temp dir.
 */
export async function startRouterHarness(yaml: string, options: { logLevel?: string; pipelines?: boolean } = {}): Promise<RouterHarness> {
  const dir = tempDir("ai-tracker-router-");
  const config = parseConfig(`dataDir: ${JSON.stringify(dir.path)}\n${yaml}`, { source: "router-test" });
  const store = openStore(join(dir.path, "store.sqlite"));
  const live = new LiveState();
  const logs = captureLogs(options.logLevel ?? "info");
  let offset = 0;
  const now = () => Date.now() + offset;
  const router = createRouter({ config, logger: logs.logger, now, store, live });
  let server: RunningHttpServer;
  try {
    const handlers = [router.handler];
    if (options.pipelines) handlers.push(createPipelines({ config, logger: logs.logger, fetch: globalThis.fetch, now, store }, router).handler);
    server = await startHttpServer({ host: "127.0.0.1", port: 0, handlers, logger: logs.logger });
  } catch (err) {
    store.close();
    dir.remove();
    throw err;
  }
  return {
    url: server.url,
    config,
    router,
    live,
    store,
    logText: logs.text,
    advance: (ms) => {
      offset += ms;
    },
    runs: () => {
      router.flush();
      return store.prepare("SELECT * FROM runs ORDER BY id").all() as RunRowRead[];
    },
    observe: (name, result) => {
      const service = config.services.find((s) => s.name === name) as ServiceConfig;
      live.update(service, { ...emptyResult("up", "test"), ...result }, now());
    },
    close: async () => {
      await server.close();
      await router.stop();
      store.close();
      dir.remove();
    },
  };
}

/** Polls until `check` passes (or throws its last error after `timeoutMs`). */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}
