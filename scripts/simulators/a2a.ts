import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import { isRecord, json, parseJson, send, sendJson, text } from "./shared/http-io.ts";
import { tokenize } from "./shared/reply-text.ts";
import { StreamWriter } from "./shared/stream-writer.ts";
import type { KindDefinition, SimContext, SimRequest } from "./shared/types.ts";

// An Agent2Agent agent like the a2a-js sample (JSON-RPC at /). The `agentCard` setting says which card exists:
// "agent-card.json" (a v1.0 card; the agent speaks the v1.0 methods SendMessage, SendStreamingMessage, GetTask),
// "agent.json" (a v0.3 card; message/send, message/stream, tasks/get) or "both" (both cards, both method sets).
// The agent answers the fixed sentence as a completed task. "stream-error": a streaming call sends a working status,
// then a JSON-RPC internal error, and closes.

type Version = "v1" | "v0.3";
const METHODS: Record<string, { version: Version; op: "send" | "stream" | "get" }> = {
  SendMessage: { version: "v1", op: "send" }, SendStreamingMessage: { version: "v1", op: "stream" }, GetTask: { version: "v1", op: "get" },
  "message/send": { version: "v0.3", op: "send" }, "message/stream": { version: "v0.3", op: "stream" }, "tasks/get": { version: "v0.3", op: "get" },
};
const SKILLS = [{ id: "chat", name: "Chat", description: "Answers questions in plain text", tags: ["chat", "text"], examples: ["tell me a joke"] }];

const speaks = (ctx: SimContext, v: Version) => ctx.settings.agentCard === "both" || ctx.settings.agentCard === (v === "v1" ? "agent-card.json" : "agent.json");

function cardV1(ctx: SimContext) {
  return {
    name: "Simulated Agent", description: "A simulated A2A agent that answers with a fixed sentence", version: "1.0.0",
    supportedInterfaces: [{ url: `${ctx.url}/`, protocolBinding: "JSONRPC", protocolVersion: "1.0" }],
    capabilities: { streaming: true, pushNotifications: false }, defaultInputModes: ["text/plain"], defaultOutputModes: ["text/plain"], skills: SKILLS,
  };
}

function cardV03(ctx: SimContext) {
  return {
    name: "Simulated Agent", description: "A simulated A2A agent that answers with a fixed sentence", version: "1.0.0",
    url: `${ctx.url}/`, protocolVersion: "0.3.0", preferredTransport: "JSONRPC", additionalInterfaces: [{ url: `${ctx.url}/`, transport: "JSONRPC" }],
    capabilities: { streaming: true, pushNotifications: false }, defaultInputModes: ["text/plain"], defaultOutputModes: ["text/plain"], skills: SKILLS,
  };
}

/** A task in the wire shape of the version asked. */
function task(v: Version, id: string, contextId: string, state: "working" | "completed", reply: string | undefined) {
  const parts = reply === undefined ? [] : [v === "v1" ? { text: reply } : { kind: "text", text: reply }];
  const status = { state: v === "v1" ? `TASK_STATE_${state.toUpperCase()}` : state, timestamp: new Date().toISOString() };
  const artifacts = parts.length ? [{ artifactId: `${id}-answer`, name: "answer", parts }] : [];
  return v === "v1" ? { id, contextId, status, artifacts } : { id, contextId, status, artifacts, kind: "task" };
}

const rpcError = (id: unknown, code: number, message: string) => ({ jsonrpc: "2.0", id: id ?? null, error: { code, message } });

function tasks(ctx: SimContext): Map<string, { v: Version; contextId: string }> {
  if (!ctx.state.has("tasks")) ctx.state.set("tasks", new Map());
  return ctx.state.get("tasks") as Map<string, { v: Version; contextId: string }>;
}

async function rpc(req: SimRequest, res: ServerResponse, ctx: SimContext): Promise<void> {
  const parsed = parseJson(await req.body());
  if (!parsed.ok) return sendJson(res, 200, rpcError(null, -32700, "Parse error"));
  const call = parsed.value;
  if (!isRecord(call) || call.jsonrpc !== "2.0" || typeof call.method !== "string") return sendJson(res, 200, rpcError(isRecord(call) ? call.id : null, -32600, "Invalid Request"));
  const method = METHODS[call.method];
  if (!method || !speaks(ctx, method.version)) return sendJson(res, 200, rpcError(call.id, -32601, `Method not found: ${call.method}`));
  const params = isRecord(call.params) ? call.params : {};
  const v = method.version;
  if (method.op === "get") {
    const known = typeof params.id === "string" ? tasks(ctx).get(params.id) : undefined;
    if (!known) return sendJson(res, 200, rpcError(call.id, -32001, "Task not found"));
    const t = task(v, String(params.id), known.contextId, "completed", ctx.settings.reply);
    return sendJson(res, 200, { jsonrpc: "2.0", id: call.id, result: v === "v1" ? { task: t } : t });
  }
  const message = params.message;
  const userRole = v === "v1" ? "ROLE_USER" : "user";
  if (!isRecord(message) || message.role !== userRole || !Array.isArray(message.parts) || message.parts.length === 0) {
    return sendJson(res, 200, rpcError(call.id, -32602, `Invalid params: params.message needs role "${userRole}" and at least one part`));
  }
  const id = randomUUID();
  const contextId = typeof message.contextId === "string" ? message.contextId : randomUUID();
  tasks(ctx).set(id, { v, contextId });
  const wrap = (t: ReturnType<typeof task>) => (v === "v1" ? { task: t } : t);
  if (method.op === "send") return sendJson(res, 200, { jsonrpc: "2.0", id: call.id, result: wrap(task(v, id, contextId, "completed", ctx.settings.reply)) });

  const w = StreamWriter.sse(res);
  w.send({ jsonrpc: "2.0", id: call.id, result: wrap(task(v, id, contextId, "working", undefined)) });
  const words = tokenize(ctx.settings.reply);
  for (let i = 0; i < words.length; i++) {
    if (!(await w.pause(ctx.settings.tokenDelayMs))) return;
    if (ctx.mode === "stream-error" && i === Math.min(2, words.length - 1)) {
      w.send(rpcError(call.id, -32603, "Internal error: simulated failure in the middle of the stream"));
      return w.end();
    }
    const artifact = { artifactId: `${id}-answer`, parts: [v === "v1" ? { text: words[i] } : { kind: "text", text: words[i] }] };
    const update = v === "v1" ? { artifactUpdate: { taskId: id, contextId, artifact, append: i > 0 } } : { kind: "artifact-update", taskId: id, contextId, artifact, append: i > 0 };
    w.send({ jsonrpc: "2.0", id: call.id, result: update });
  }
  const status = task(v, id, contextId, "completed", undefined).status;
  w.send({ jsonrpc: "2.0", id: call.id, result: v === "v1" ? { statusUpdate: { taskId: id, contextId, status } } : { kind: "status-update", taskId: id, contextId, status, final: true } });
  w.end();
}

/** Express's default 404 page. */
const expressNotFound = (req: SimRequest) => text(404, `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>\n</head>\n<body>\n<pre>Cannot ${req.method} ${req.path}</pre>\n</body>\n</html>\n`, "text/html; charset=utf-8");

export const a2aSimulator: KindDefinition = {
  kind: "a2a",
  defaultModels: [],
  modes: ["stream-error"],
  impostor: "openai-compatible",
  handle(req, res, ctx) {
    if (req.method === "GET" && req.path === "/.well-known/agent-card.json" && speaks(ctx, "v1")) return sendJson(res, 200, cardV1(ctx));
    if (req.method === "GET" && req.path === "/.well-known/agent.json" && speaks(ctx, "v0.3")) return sendJson(res, 200, cardV03(ctx));
    if (req.method === "POST" && req.path === "/") return rpc(req, res, ctx);
    send(res, expressNotFound(req));
  },
  errorReply: (s, message) => json(s, rpcError(null, -32603, message)),
};
