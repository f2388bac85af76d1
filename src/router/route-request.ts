import type { IncomingMessage } from "node:http";
import { randomUUID } from "node:crypto";
import { JSON_TYPE } from "../http/http-server.ts";
import type { Logger } from "../shared/logger.ts";
import type { BackendPool, Candidate, Plan } from "./backend-pool.ts";
import { PlanError } from "./backend-pool.ts";
import type { ChatCall, Dialect } from "./chat-types.ts";
import type { ChatSink, RouteHeaders } from "./chat-sink.ts";
import type { Complexity } from "./complexity.ts";
import { decodeOllamaResult, encodeOllamaResult, ollamaErrorBody } from "./dialects/ollama.ts";
import { decodeOpenAiResult, encodeOpenAiResult, errorText, openAiErrorBody } from "./dialects/openai.ts";
import { relayStream } from "./relay-stream.ts";
import type { RunOutcome } from "./run-recorder.ts";
import { readAll, sendUpstream, UpstreamError, type PendingUpstream, type UpstreamTimeouts } from "./upstream.ts";

export interface RouteDeps {
  pool: BackendPool;
  timeouts: UpstreamTimeouts;
  /** Largest non-streamed answer read from a backend. */
  maxAnswerBytes: number;
  /** Monotonic ms (performance.now) for durations. */
  clock: () => number;
  logger: Logger;
}

/** How a routed request went: what the run record and the logs need. */
export interface RouteReport {
  outcome: RunOutcome;
  status: number;
  backend: string | null;
  tier: string | null;
  model: string | null;
  attempts: number;
  error: string | null;
  /** Time spent waiting on backends, over every attempt. */
  upstreamMs: number;
  /** From `t0` to the first byte sent to the client. */
  ttfbMs: number | null;
  /** For `auto`: the prompt's score and what added to it. */
  complexity?: Complexity;
}

/** The content type of a stream in a dialect. */
export function streamType(d: Dialect): string {
  return d === "openai" ? "text/event-stream; charset=utf-8" : "application/x-ndjson";
}

/** An error body in the client's dialect: OpenAI's error object or Ollama's {"error": "..."}. */
export function errorBody(d: Dialect, status: number, message: string, param: string | null = null, code: string | null = null): string {
  return d === "openai" ? openAiErrorBody(status, message, param, code) : ollamaErrorBody(message);
}

/**
 * The fallback loop (after Olla's ExecuteWithRetry): try the planned candidates in order; on a connection
 * error, a timeout before the first byte, a 5xx, a 429 or a 404 (the model is not there after all) move on to
 * the next; on another 4xx stop and pass the error on. Once a backend has answered 2xx the request is
 * committed to it: nothing is retried after that, and a stream that breaks ends with an error event.
 */
export async function routeChat(deps: RouteDeps, call: ChatCall, sink: ChatSink, t0: number): Promise<RouteReport> {
  const report: RouteReport = { outcome: "error", status: 0, backend: null, tier: null, model: null, attempts: 0, error: null, upstreamMs: 0, ttfbMs: null };
  let plan: Plan;
  try {
    plan = await deps.pool.plan(call);
  } catch (err) {
    if (!(err instanceof PlanError)) throw err;
    report.outcome = err.status === 404 ? "rejected" : "error";
    report.error = err.message;
    return fail(deps, call, sink, report, err.status, err.message, err.code, t0);
  }
  report.tier = plan.tier;
  report.complexity = plan.complexity;
  const errors: string[] = [...plan.skipped];
  let notFound = 0;
  let timeouts = 0;
  let current: PendingUpstream | undefined;
  sink.onGone(() => current?.abort());
  for (const candidate of plan.candidates) {
    if (sink.gone) break;
    const b = candidate.pooled;
    const name = b.backend.name;
    if (!deps.pool.acquire(b)) {
      errors.push(`${name}: circuit open`);
      continue;
    }
    report.attempts++;
    report.backend = name;
    report.model = candidate.model;
    const prepared = b.backend.prepare(call, candidate.model);
    const started = deps.clock();
    const pending = sendUpstream(b.target, prepared.path, prepared.body, deps.timeouts);
    current = pending;
    let res: IncomingMessage;
    try {
      res = await pending.response;
    } catch (err) {
      report.upstreamMs += deps.clock() - started;
      if (sink.gone) {
        deps.pool.release(b, "neutral");
        break;
      }
      const e = err as UpstreamError;
      if (e.code === "first_byte_timeout" || e.code === "connect_timeout") timeouts++;
      deps.pool.release(b, "failure");
      errors.push(`${name}: ${e.message}`);
      deps.logger.debug({ backend: name, code: e.code }, "backend attempt failed");
      continue;
    }
    const status = res.statusCode ?? 0;
    if (status >= 500 || status === 429 || status === 404) {
      res.resume();
      report.upstreamMs += deps.clock() - started;
      if (status === 404) {
        notFound++;
        deps.pool.catalog.invalidate(name);
      }
      deps.pool.release(b, status >= 500 ? "failure" : "neutral");
      errors.push(`${name}: HTTP ${status}`);
      continue;
    }
    const headers: RouteHeaders = { backend: name, attempts: report.attempts, tier: plan.tier };
    if (status >= 400) {
      // The backend refused the request itself: another backend would refuse it too.
      const message = await upstreamErrorMessage(res, deps.timeouts.idleMs);
      report.upstreamMs += deps.clock() - started;
      deps.pool.release(b, "neutral");
      report.outcome = "rejected";
      report.error = `${name}: HTTP ${status}: ${message}`;
      report.status = status;
      report.ttfbMs = deps.clock() - t0;
      sink.send(status, JSON_TYPE, errorBody(call.dialect, status, `${name}: ${message}`), headers);
      return report;
    }
    const committed: Committed = { deps, call, sink, candidate, answers: prepared.answers, res, started, headers, report, t0 };
    return call.stream ? relay(committed) : whole(committed);
  }
  if (sink.gone) {
    report.outcome = "cancelled";
    report.error = "the client closed the connection";
    return report;
  }
  const status = report.attempts === 0 ? 503 : notFound === report.attempts ? 404 : timeouts === report.attempts ? 504 : 502;
  report.outcome = status === 404 ? "rejected" : "error";
  const message = report.attempts === 0 ? `no backend available: ${errors.join("; ")}` : `every backend failed (${report.attempts} attempts): ${errors.join("; ")}`;
  report.error = message;
  return fail(deps, call, sink, report, status, message, status === 404 ? "model_not_found" : "backends_failed", t0);
}

/** A request committed to the backend that answered 2xx, with what reading and relaying its answer need. */
interface Committed {
  deps: RouteDeps;
  call: ChatCall;
  sink: ChatSink;
  candidate: Candidate;
  /** The dialect the backend answers in. */
  answers: Dialect;
  res: IncomingMessage;
  /** When the attempt began (clock ms). */
  started: number;
  headers: RouteHeaders;
  report: RouteReport;
  t0: number;
}

async function whole({ deps, call, sink, candidate, answers, res, started, headers, report, t0 }: Committed): Promise<RouteReport> {
  const b = candidate.pooled;
  let body: Buffer;
  try {
    body = await readAll(res, deps.timeouts.idleMs, deps.maxAnswerBytes);
  } catch (err) {
    report.upstreamMs += deps.clock() - started;
    deps.pool.release(b, sink.gone ? "neutral" : "failure");
    report.error = `${b.backend.name}: ${(err as Error).message}`;
    if (sink.gone) {
      report.outcome = "cancelled";
      return report;
    }
    return fail(deps, call, sink, report, 502, report.error, "backend_failed", t0, headers);
  }
  const upstream = deps.clock() - started;
  report.upstreamMs += upstream;
  let out: string | Buffer;
  try {
    out = convertAnswer(body, answers, call.dialect, candidate.model, upstream);
  } catch (err) {
    deps.pool.release(b, "failure");
    report.error = `${b.backend.name}: unreadable answer (${(err as Error).message})`;
    return fail(deps, call, sink, report, 502, report.error, "backend_failed", t0, headers);
  }
  deps.pool.release(b, "success", upstream);
  report.outcome = "ok";
  report.status = 200;
  report.ttfbMs = deps.clock() - t0;
  sink.send(200, JSON_TYPE, out, headers);
  return report;
}

async function relay({ deps, call, sink, candidate, answers, res, started, headers, report, t0 }: Committed): Promise<RouteReport> {
  const b = candidate.pooled;
  sink.begin(streamType(call.dialect), headers);
  report.status = 200;
  const result = await relayStream({ res, sink, from: answers, to: call.dialect, model: candidate.model, idleMs: deps.timeouts.idleMs, clock: deps.clock, started, includeUsage: call.dialect === "openai" && answers !== "openai" && call.canonical().includeUsage === true });
  report.upstreamMs += result.upstreamMs;
  if (result.firstWriteMs !== undefined) report.ttfbMs = started + result.firstWriteMs - t0;
  if (result.outcome === "ok") {
    deps.pool.release(b, "success", result.firstChunkMs ?? deps.clock() - started);
    report.outcome = "ok";
  } else if (result.outcome === "cancelled") {
    deps.pool.release(b, "neutral");
    report.outcome = "cancelled";
    report.error = "the client closed the connection";
  } else {
    deps.pool.release(b, "failure");
    report.outcome = "error";
    report.error = `${b.backend.name}: ${result.error}`;
  }
  return report;
}

/** Converts a whole answer between dialects; a same-dialect answer passes through after a sanity check. */
function convertAnswer(body: Buffer, from: Dialect, to: Dialect, model: string, upstreamMs: number): string | Buffer {
  if (from === to) {
    // Cheap shape check instead of a parse: a backend answering 200 with an error object or an HTML page
    // has failed, whatever its status says (LM Studio answers unknown routes 200 {"error": ...}).
    const text = body.toString("latin1", 0, Math.min(body.length, 16)).trimStart();
    const last = lastNonSpace(body);
    if (!text.startsWith("{") || last !== 0x7d || /^\{\s*"error"/.test(text)) throw new Error("not a JSON chat answer");
    return body;
  }
  const json = JSON.parse(body.toString("utf8"));
  if (json && typeof json === "object" && "error" in json) throw new Error(errorText(json.error));
  const result = from === "openai" ? decodeOpenAiResult(json) : decodeOllamaResult(json);
  if (to === "openai") return encodeOpenAiResult(result, { id: `chatcmpl-${randomUUID()}`, created: Math.floor(Date.now() / 1000), model: result.model || model });
  return encodeOllamaResult(result, { model: result.model || model, createdAt: new Date().toISOString(), totalNs: Math.round(upstreamMs * 1e6) }, to === "ollama-generate");
}

function lastNonSpace(b: Buffer): number {
  for (let i = b.length - 1; i >= 0; i--) {
    const c = b[i]!;
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return c;
  }
  return -1;
}

async function upstreamErrorMessage(res: IncomingMessage, idleMs: number): Promise<string> {
  try {
    const text = (await readAll(res, idleMs, 64 * 1024)).toString("utf8");
    try {
      return errorText(JSON.parse(text).error ?? text);
    } catch {
      return text.slice(0, 300);
    }
  } catch {
    return "no readable error";
  }
}

function fail(deps: RouteDeps, call: ChatCall, sink: ChatSink, report: RouteReport, status: number, message: string, code: string, t0: number, headers?: RouteHeaders): RouteReport {
  report.status = status;
  report.ttfbMs = deps.clock() - t0;
  sink.send(status, JSON_TYPE, errorBody(call.dialect, status, message, null, code), headers ?? { backend: report.backend ?? "none", attempts: report.attempts, tier: report.tier ?? "none" });
  return report;
}
