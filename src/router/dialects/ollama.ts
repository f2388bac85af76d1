import type { ChatMessage, ChatRequest, ChatResult, GenOptions, StreamEvent, ToolCall, Usage } from "../chat-types.ts";
import type { OllamaChatRequest, OllamaGenerateRequest } from "../request-schemas.ts";
import { guessImageMime } from "./images.ts";
import { argumentsText, errorText } from "./openai.ts";

type Obj = Record<string, unknown>;
type OllamaOptions = OllamaChatRequest["options"];

/** An Ollama /api/chat request in the router's form; Ollama streams unless told not to. */
export function ollamaChatToCanonical(body: OllamaChatRequest): ChatRequest {
  const messages: ChatMessage[] = body.messages.map((m) => {
    const out: ChatMessage = { role: m.role, content: m.content };
    if (m.images?.length) out.images = m.images.map((data) => ({ mime: guessImageMime(data), data }));
    if (m.tool_calls?.length) out.toolCalls = m.tool_calls.map(toolCallFromOllama);
    if (m.tool_name) out.name = m.tool_name;
    if (m.thinking) out.reasoning = m.thinking;
    return out;
  });
  return { model: body.model, messages, stream: body.stream !== false, options: optionsFrom(body.options, body.format), tools: body.tools };
}

/** An Ollama /api/generate request as a chat: the system prompt, then the prompt as the user's message. */
export function ollamaGenerateToCanonical(body: OllamaGenerateRequest): ChatRequest {
  const messages: ChatMessage[] = [];
  if (body.system) messages.push({ role: "system", content: body.system });
  const user: ChatMessage = { role: "user", content: body.prompt };
  if (body.images?.length) user.images = body.images.map((data) => ({ mime: guessImageMime(data), data }));
  messages.push(user);
  return { model: body.model, messages, stream: body.stream !== false, options: optionsFrom(body.options, body.format) };
}

/** The body of an Ollama /api/chat request for `req`, asking for `model`. */
export function canonicalToOllamaChat(req: ChatRequest, model: string): Obj {
  const body: Obj = {
    model,
    messages: req.messages.map((m) => {
      const msg: Obj = { role: m.role === "function" ? "tool" : m.role, content: m.content };
      if (m.images?.length) msg.images = m.images.map((i) => i.data);
      if (m.toolCalls?.length) msg.tool_calls = m.toolCalls.map(toolCallToOllama);
      if (m.role === "tool" && m.name) msg.tool_name = m.name;
      return msg;
    }),
    stream: req.stream,
  };
  const o = req.options;
  const options: Obj = {};
  if (o.temperature !== undefined) options.temperature = o.temperature;
  if (o.topP !== undefined) options.top_p = o.topP;
  if (o.maxTokens !== undefined) options.num_predict = o.maxTokens;
  if (o.stop) options.stop = o.stop;
  if (o.seed !== undefined) options.seed = o.seed;
  if (o.frequencyPenalty !== undefined) options.frequency_penalty = o.frequencyPenalty;
  if (o.presencePenalty !== undefined) options.presence_penalty = o.presencePenalty;
  if (Object.keys(options).length) body.options = options;
  if (o.format) body.format = o.format;
  if (req.tools?.length) body.tools = req.tools;
  return body;
}

/** A non-streamed Ollama answer (chat or generate) in the router's form; throws on a body that is not one. */
export function decodeOllamaResult(json: unknown): ChatResult {
  const j = json as Obj;
  if (!j || typeof j !== "object" || (j.message === undefined && j.response === undefined)) throw new Error("answer has neither message nor response");
  const m = (j.message ?? {}) as Obj;
  const toolCalls = toolCallsFrom(m);
  return {
    model: String(j.model ?? ""),
    content: contentFrom(j, m),
    reasoning: reasoningFrom(j, m),
    toolCalls,
    finishReason: finishFrom(j, toolCalls),
    usage: usageFrom(j),
  };
}

export interface OllamaAnswerMeta {
  model: string;
  /** When the answer was made, ISO 8601. */
  createdAt: string;
  /** Time taken so far, ns, for total_duration. */
  totalNs: number;
}

/** A whole answer in Ollama's shape: /api/chat (`message`) or /api/generate (`response`). */
export function encodeOllamaResult(r: ChatResult, meta: OllamaAnswerMeta, generate: boolean): string {
  return JSON.stringify(finalObject(r.content, r.reasoning, r.toolCalls, r.finishReason, r.usage, meta, generate));
}

/** Reads Ollama NDJSON lines (chat or generate) into the router's events. */
export function decodeOllamaLine(line: string): StreamEvent[] | "end" {
  const j = JSON.parse(line) as Obj;
  if (j.error !== undefined) return [{ type: "error", message: errorText(j.error) }];
  const m = (j.message ?? {}) as Obj;
  const content = contentFrom(j, m);
  const reasoning = reasoningFrom(j, m);
  const toolCalls = toolCallsFrom(m);
  const out: StreamEvent[] = [];
  if (content || reasoning || toolCalls) out.push({ type: "delta", content, reasoning, toolCalls });
  if (j.done === true) out.push({ type: "done", finishReason: finishFrom(j, toolCalls), usage: usageFrom(j) });
  return out;
}

/** Writes the router's stream events as Ollama NDJSON lines. */
export class OllamaStreamEncoder {
  private finishReason = "stop";
  private usage: Usage = {};

  constructor(
    private readonly meta: OllamaAnswerMeta,
    private readonly generate: boolean,
    private readonly startedAt: number,
    private readonly clock: () => number,
  ) {}

  delta(ev: Extract<StreamEvent, { type: "delta" }>): string {
    const o: Obj = { model: this.meta.model, created_at: new Date().toISOString() };
    if (this.generate) o.response = ev.content;
    else {
      const message: Obj = { role: "assistant", content: ev.content };
      if (ev.reasoning) message.thinking = ev.reasoning;
      if (ev.toolCalls?.length) message.tool_calls = ev.toolCalls.map(toolCallToOllama);
      o.message = message;
    }
    if (this.generate && ev.reasoning) o.thinking = ev.reasoning;
    o.done = false;
    return JSON.stringify(o) + "\n";
  }

  done(ev: Extract<StreamEvent, { type: "done" }>): void {
    if (ev.finishReason) this.finishReason = ev.finishReason;
    if (ev.usage.promptTokens !== undefined) this.usage.promptTokens = ev.usage.promptTokens;
    if (ev.usage.completionTokens !== undefined) this.usage.completionTokens = ev.usage.completionTokens;
  }

  end(): string {
    const meta = { ...this.meta, createdAt: new Date().toISOString(), totalNs: Math.round((this.clock() - this.startedAt) * 1e6) };
    return JSON.stringify(finalObject("", undefined, undefined, this.finishReason, this.usage, meta, this.generate)) + "\n";
  }
}

export function ollamaErrorBody(message: string): string {
  return JSON.stringify({ error: message });
}

/** The line that ends a stream cut short: the Ollama clients throw on `{"error":...}`. */
export function ollamaErrorLine(message: string): string {
  return JSON.stringify({ error: message }) + "\n";
}

function finalObject(content: string, reasoning: string | undefined, toolCalls: ToolCall[] | undefined, finish: string, usage: Usage, meta: OllamaAnswerMeta, generate: boolean): Obj {
  const o: Obj = { model: meta.model, created_at: meta.createdAt };
  if (generate) {
    o.response = content;
    if (reasoning) o.thinking = reasoning;
  } else {
    const message: Obj = { role: "assistant", content };
    if (reasoning) message.thinking = reasoning;
    if (toolCalls?.length) message.tool_calls = toolCalls.map(toolCallToOllama);
    o.message = message;
  }
  o.done = true;
  o.done_reason = finish === "length" ? "length" : "stop";
  o.total_duration = meta.totalNs;
  // Ollama leaves zero metrics out rather than sending 0.
  if (usage.promptTokens) o.prompt_eval_count = usage.promptTokens;
  if (usage.completionTokens) o.eval_count = usage.completionTokens;
  return o;
}

function optionsFrom(options: OllamaOptions, format: unknown): GenOptions {
  const out: GenOptions = {};
  if (options) {
    if (options.temperature !== undefined) out.temperature = options.temperature;
    if (options.top_p !== undefined) out.topP = options.top_p;
    if (options.num_predict !== undefined && options.num_predict >= 0) out.maxTokens = options.num_predict;
    if (options.stop !== undefined) out.stop = typeof options.stop === "string" ? [options.stop] : options.stop;
    if (options.seed !== undefined) out.seed = options.seed;
    if (options.frequency_penalty !== undefined) out.frequencyPenalty = options.frequency_penalty;
    if (options.presence_penalty !== undefined) out.presencePenalty = options.presence_penalty;
  }
  if (format === "json") out.format = "json";
  else if (format && typeof format === "object") out.format = format as Record<string, unknown>;
  return out;
}

// Whole answers and stream lines (`j`, with its `message` as `m`) carry the same fields: chat's in the message,
// generate's at the top level. Both decoders read them through these.

function contentFrom(j: Obj, m: Obj): string {
  return typeof j.response === "string" ? j.response : typeof m.content === "string" ? m.content : "";
}

function reasoningFrom(j: Obj, m: Obj): string | undefined {
  return typeof m.thinking === "string" && m.thinking ? m.thinking : typeof j.thinking === "string" && j.thinking ? j.thinking : undefined;
}

function toolCallsFrom(m: Obj): ToolCall[] | undefined {
  return Array.isArray(m.tool_calls) && m.tool_calls.length ? (m.tool_calls as Obj[]).map((c) => toolCallFromOllama(c as never)) : undefined;
}

function finishFrom(j: Obj, toolCalls: ToolCall[] | undefined): string {
  return toolCalls ? "tool_calls" : j.done_reason === "length" ? "length" : "stop";
}

function usageFrom(j: Obj): Usage {
  return { promptTokens: num(j.prompt_eval_count), completionTokens: num(j.eval_count) };
}

function toolCallFromOllama(c: { function: { name: string; arguments?: unknown } }): ToolCall {
  return { name: c.function.name, arguments: argumentsText(c.function.arguments) };
}

/** Ollama sends and takes arguments as an object; the router keeps them as JSON text. */
function toolCallToOllama(c: ToolCall): Obj {
  return { function: { name: c.name, arguments: parseArguments(c.arguments) } };
}

function parseArguments(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return {};
  }
}

function num(v: unknown): number | undefined {
  return typeof v === "number" ? v : undefined;
}
