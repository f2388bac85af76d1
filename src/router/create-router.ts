import { performance } from "node:perf_hooks";
import type { AppDeps } from "../app-deps.ts";
import type { RouteHandler } from "../http/http-server.ts";
import { parseDuration } from "../shared/duration.ts";
import { BackendPool, type BackendSnapshot } from "./backend-pool.ts";
import { MemorySink } from "./chat-sink.ts";
import type { Complexity } from "./complexity.ts";
import { createHttpApi, record, type HttpApiDeps } from "./http-api.ts";
import { isCallError, parseCall } from "./parse-call.ts";
import { routeChat } from "./route-request.ts";
import { RunRecorder } from "./run-recorder.ts";

/** What the router needs from the app: no workspace, no record writer. */
export type RouterDeps = Pick<AppDeps, "config" | "logger" | "now" | "store" | "live">;

/** An in-process chat through the router (the CLI, the pipelines). */
export interface RouteInput {
  messages: { role: "system" | "user" | "assistant"; content: string }[];
  /** "auto" (the default), a model name, or a backend name. */
  model?: string;
  maxTokens?: number;
  temperature?: number;
}

export interface RouteAnswer {
  answer: string;
  backend: string;
  model: string;
  tier: string;
  attempts: number;
  complexity?: Complexity;
  timings: { totalMs: number; upstreamMs: number; overheadMs: number; ttfbMs: number };
}

/** An in-process chat that got no answer; `status` is what an HTTP client would have seen. */
export class RouteFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly backend: string | null,
    readonly attempts: number,
  ) {
    super(message);
    this.name = "RouteFailure";
  }
}

export interface Router {
  /** The OpenAI- and Ollama-compatible HTTP routes. */
  handler: RouteHandler;
  /** One non-streamed chat, recorded like any other (api "internal"); throws RouteFailure. */
  route(input: RouteInput): Promise<RouteAnswer>;
  /** Per backend: in flight, latency, error rate, breaker; for /metrics and the board. */
  snapshot(): BackendSnapshot[];
  /** Writes buffered run records now (they are otherwise written every 100 ms). */
  flush(): void;
  /** Writes buffered run records and closes pooled connections. */
  stop(): Promise<void>;
}

/**
 * The inference router: one pool of backends with their breakers and statistics, the HTTP routes, and an
 * in-process entry point. Durations use performance.now: router overhead is measured in tenths of a ms.
 */
export function createRouter(deps: RouterDeps): Router {
  const rc = deps.config.router;
  const log = deps.logger.child({ module: "router" });
  const timeouts = {
    connectMs: parseDuration(rc.timeouts.connect) ?? 2_000,
    firstByteMs: parseDuration(rc.timeouts.firstByte) ?? 30_000,
    idleMs: parseDuration(rc.timeouts.idle) ?? 30_000,
  };
  const pool = new BackendPool({ config: deps.config, live: deps.live, now: deps.now, logger: log, timeouts });
  const recorder = new RunRecorder(deps.store, log);
  const api: HttpApiDeps = {
    pool,
    timeouts,
    maxAnswerBytes: 64 * 1024 * 1024,
    clock: () => performance.now(),
    logger: log,
    recorder,
    maxBodyBytes: rc.maxBodyBytes,
    now: deps.now,
  };
  log.info({ backends: pool.backends.map((b) => b.backend.name) }, "router ready");
  return {
    handler: createHttpApi(api),
    async route(input) {
      const t0 = api.clock();
      const at = deps.now();
      const body: Record<string, unknown> = { model: input.model ?? "auto", messages: input.messages, stream: false };
      if (input.maxTokens !== undefined) body.max_tokens = input.maxTokens;
      if (input.temperature !== undefined) body.temperature = input.temperature;
      const call = parseCall("openai", Buffer.from(JSON.stringify(body)));
      if (isCallError(call)) throw new RouteFailure(400, call.error, null, 0);
      const sink = new MemorySink();
      const report = await routeChat(api, call, sink, t0);
      record(api, "internal", at, t0, report, false, call.model);
      const totalMs = api.clock() - t0;
      if (report.outcome !== "ok") throw new RouteFailure(report.status, report.error ?? `HTTP ${report.status}`, report.backend, report.attempts);
      const json = JSON.parse(sink.body) as { choices?: { message?: { content?: unknown } }[] };
      const content = json.choices?.[0]?.message?.content;
      return {
        answer: typeof content === "string" ? content : "",
        backend: report.backend!,
        model: report.model!,
        tier: report.tier!,
        attempts: report.attempts,
        complexity: report.complexity,
        timings: { totalMs, upstreamMs: report.upstreamMs, overheadMs: Math.max(0, totalMs - report.upstreamMs), ttfbMs: report.ttfbMs ?? totalMs },
      };
    },
    snapshot: () => pool.snapshot(),
    flush: () => recorder.flush(),
    async stop() {
      recorder.flush();
      pool.close();
    },
  };
}
