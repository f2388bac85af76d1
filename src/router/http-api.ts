import type { IncomingMessage, ServerResponse } from "node:http";
import { sendJson, sendJsonText, type RouteHandler } from "../http/http-server.ts";
import type { Logger } from "../shared/logger.ts";
import type { BackendPool } from "./backend-pool.ts";
import type { Dialect } from "./chat-types.ts";
import { HttpSink } from "./chat-sink.ts";
import { isCallError, parseCall } from "./parse-call.ts";
import { BodyError, readBody } from "./read-body.ts";
import { errorBody, routeChat, type RouteDeps, type RouteReport } from "./route-request.ts";
import type { RunRecorder } from "./run-recorder.ts";

export interface HttpApiDeps extends RouteDeps {
  recorder: RunRecorder;
  maxBodyBytes: number;
  /** Epoch ms, for run records. */
  now: () => number;
  logger: Logger;
}

/** The OpenAI- and Ollama-compatible routes. */
export function createHttpApi(deps: HttpApiDeps): RouteHandler {
  const startedAt = deps.now();
  return (req, res, url) => {
    switch (url.pathname) {
      case "/v1/chat/completions":
        return req.method === "POST" ? chat(deps, "openai", req, res).then(() => true) : notAllowed(res, "openai", "POST");
      case "/api/chat":
        return req.method === "POST" ? chat(deps, "ollama-chat", req, res).then(() => true) : notAllowed(res, "ollama-chat", "POST");
      case "/api/generate":
        return req.method === "POST" ? chat(deps, "ollama-generate", req, res).then(() => true) : notAllowed(res, "ollama-chat", "POST");
      case "/v1/models":
        return listModels(deps.pool, res, startedAt).then(() => true);
      case "/api/tags":
        return listTags(deps.pool, res, startedAt).then(() => true);
      case "/api/version":
        sendJson(res, 200, { version: "0.0.0-ai-tracker" });
        return true;
      default:
        if (url.pathname.startsWith("/v1/models/") && req.method === "GET") return getModel(deps.pool, res, decodeURIComponent(url.pathname.slice(11)), startedAt).then(() => true);
        return false;
    }
  };
}

async function chat(deps: HttpApiDeps, dialect: Dialect, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const t0 = deps.clock();
  const at = deps.now();
  let raw: Buffer;
  try {
    raw = await readBody(req, deps.maxBodyBytes);
  } catch (err) {
    const e = err instanceof BodyError ? err : new BodyError(400, String(err));
    // The rest of an oversized body is not worth reading: answer and close.
    res.setHeader("connection", "close");
    sendJsonText(res, e.status, errorBody(dialect, e.status, e.message, null, e.status === 413 ? "body_too_large" : "bad_body"));
    record(deps, dialect, at, t0, rejected(e.message), false);
    return;
  }
  const call = parseCall(dialect, raw);
  if (isCallError(call)) {
    sendJsonText(res, 400, errorBody(dialect, 400, call.error, call.param, "invalid_request"));
    record(deps, dialect, at, t0, rejected(call.error), false);
    return;
  }
  const report = await routeChat(deps, call, new HttpSink(res), t0);
  record(deps, dialect, at, t0, report, call.stream, call.model);
}

function rejected(error: string): RouteReport {
  return { outcome: "rejected", status: 400, backend: null, tier: null, model: null, attempts: 0, error, upstreamMs: 0, ttfbMs: null };
}

/** Writes the run row and, at debug level only, a log line (no prompt, ever). */
export function record(deps: HttpApiDeps, dialect: Dialect | "internal", at: number, t0: number, r: RouteReport, stream: boolean, requested?: string): void {
  const totalMs = deps.clock() - t0;
  deps.recorder.record({
    type: "chat",
    api: dialect === "internal" ? "internal" : dialect === "openai" ? "openai" : "ollama",
    backend: r.backend,
    tier: r.tier,
    model: r.model ?? requested ?? null,
    stream,
    attempts: r.attempts,
    outcome: r.outcome,
    error: r.error,
    failedStage: null,
    overheadMs: Math.max(0, totalMs - r.upstreamMs),
    upstreamMs: r.upstreamMs,
    ttfbMs: r.ttfbMs,
    totalMs,
    audioSeconds: null,
    stages: null,
    at,
  });
  if (r.outcome === "error") deps.logger.warn({ api: dialect, backend: r.backend, attempts: r.attempts, status: r.status, error: r.error }, "chat request failed");
  else if (deps.logger.isLevelEnabled("debug")) {
    deps.logger.debug({ api: dialect, backend: r.backend, tier: r.tier, attempts: r.attempts, outcome: r.outcome, status: r.status, totalMs }, "chat routed");
  }
}

async function listModels(pool: BackendPool, res: ServerResponse, startedAt: number): Promise<void> {
  await pool.refreshStale();
  const created = Math.floor(startedAt / 1000);
  const data = [{ id: "auto", object: "model", created, owned_by: "ai-tracker" }];
  for (const [id, backends] of pool.allModels()) data.push({ id, object: "model", created, owned_by: backends.join(",") });
  sendJson(res, 200, { object: "list", data });
}

async function getModel(pool: BackendPool, res: ServerResponse, id: string, startedAt: number): Promise<void> {
  await pool.refreshStale();
  const backends = id === "auto" ? ["ai-tracker"] : pool.allModels().get(id);
  if (!backends) {
    sendJsonText(res, 404, errorBody("openai", 404, `model "${id}" is not served by any backend`, "model", "model_not_found"));
    return;
  }
  sendJson(res, 200, { id, object: "model", created: Math.floor(startedAt / 1000), owned_by: backends.join(",") });
}

async function listTags(pool: BackendPool, res: ServerResponse, startedAt: number): Promise<void> {
  await pool.refreshStale();
  const modified = new Date(startedAt).toISOString();
  const details = { parent_model: "", format: "", family: "", families: [], parameter_size: "", quantization_level: "" };
  const models = ["auto", ...pool.allModels().keys()].map((name) => ({ name, model: name, modified_at: modified, size: 0, digest: "", details }));
  sendJson(res, 200, { models });
}

function notAllowed(res: ServerResponse, dialect: Dialect, allow: string): true {
  res.setHeader("allow", allow);
  sendJsonText(res, 405, errorBody(dialect, 405, `use ${allow}`));
  return true;
}
