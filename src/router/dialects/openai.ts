import type { ChatMessage, ChatRequest, ChatResult, StreamEvent, ToolCall, Usage } from "../chat-types.ts";
import type { OpenAiChatRequest } from "../request-schemas.ts";
import { imageFromUrl, imageToDataUrl } from "./images.ts";

type Obj = Record<string, unknown>;

/** An OpenAI chat request in the router's form. */
export function openAiToCanonical(body: OpenAiChatRequest): ChatRequest {
  const messages: ChatMessage[] = body.messages.map((m) => {
    const out: ChatMessage = { role: m.role === "developer" ? "system" : m.role, content: "" };
    if (typeof m.content === "string") out.content = m.content;
    else if (Array.isArray(m.content)) {
      const texts: string[] = [];
      for (const part of m.content) {
        if (part.type === "text" && typeof part.text === "string") texts.push(part.text);
        else if (part.type === "image_url" && part.image_url !== undefined) {
          const image = imageFromUrl(typeof part.image_url === "string" ? part.image_url : part.image_url.url);
          if (image) (out.images ??= []).push(image);
        }
      }
      out.content = texts.join("\n");
    }
    if (m.tool_calls?.length) {
      out.toolCalls = m.tool_calls.map((c) => ({
        id: c.id,
        name: c.function.name,
        arguments: argumentsText(c.function.arguments),
      }));
    }
    if (m.tool_call_id) out.toolCallId = m.tool_call_id;
    if (m.name) out.name = m.name;
    if (m.reasoning) out.reasoning = m.reasoning;
    return out;
  });
  const stop = body.stop == null ? undefined : typeof body.stop === "string" ? [body.stop] : body.stop;
  const rf = body.response_format;
  const format = rf?.type === "json_object" ? "json" : rf?.type === "json_schema" && rf.json_schema?.schema ? rf.json_schema.schema : undefined;
  return {
    model: body.model,
    messages,
    stream: body.stream === true,
    options: defined({
      temperature: body.temperature ?? undefined,
      topP: body.top_p ?? undefined,
      maxTokens: body.max_completion_tokens ?? body.max_tokens ?? undefined,
      stop,
      seed: body.seed ?? undefined,
      frequencyPenalty: body.frequency_penalty ?? undefined,
      presencePenalty: body.presence_penalty ?? undefined,
      format,
    }),
    tools: body.tools ?? undefined,
    includeUsage: body.stream_options?.include_usage === true,
  };
}

/** The body of an OpenAI chat request for `req`, asking for `model`. */
export function canonicalToOpenAi(req: ChatRequest, model: string): Obj {
  const o = req.options;
  const body: Obj = {
    model,
    messages: req.messages.map((m) => {
      const msg: Obj = { role: m.role };
      msg.content = m.images?.length
        ? [...(m.content ? [{ type: "text", text: m.content }] : []), ...m.images.map((i) => ({ type: "image_url", image_url: { url: imageToDataUrl(i) } }))]
        : m.content;
      if (m.toolCalls?.length) msg.tool_calls = m.toolCalls.map(toolCallToOpenAi);
      if (m.toolCallId) msg.tool_call_id = m.toolCallId;
      if (m.name) msg.name = m.name;
      return msg;
    }),
    stream: req.stream,
  };
  if (o.temperature !== undefined) body.temperature = o.temperature;
  if (o.topP !== undefined) body.top_p = o.topP;
  if (o.maxTokens !== undefined) body.max_tokens = o.maxTokens;
  if (o.stop) body.stop = o.stop;
  if (o.seed !== undefined) body.seed = o.seed;
  if (o.frequencyPenalty !== undefined) body.frequency_penalty = o.frequencyPenalty;
  if (o.presencePenalty !== undefined) body.presence_penalty = o.presencePenalty;
  if (o.format === "json") body.response_format = { type: "json_object" };
  else if (o.format) body.response_format = { type: "json_schema", json_schema: { name: "response", schema: o.format } };
  if (req.tools?.length) body.tools = req.tools;
  return body;
}

/** A non-streamed OpenAI answer in the router's form; throws on a body that is not one. */
export function decodeOpenAiResult(json: unknown): ChatResult {
  const choice = (json as { choices?: { message?: Obj; finish_reason?: string }[] })?.choices?.[0];
  if (!choice?.message) throw new Error("answer has no choices[0].message");
  const m = choice.message;
  const usage = (json as { usage?: Obj }).usage;
  return {
    model: String((json as Obj).model ?? ""),
    content: typeof m.content === "string" ? m.content : "",
    reasoning: stringOr(m.reasoning ?? m.reasoning_content),
    toolCalls: toolCallsOf(m.tool_calls),
    finishReason: choice.finish_reason ?? "stop",
    usage: { promptTokens: numberOr(usage?.prompt_tokens), completionTokens: numberOr(usage?.completion_tokens) },
  };
}

export interface AnswerMeta {
  id: string;
  /** Unix seconds. */
  created: number;
  model: string;
}

export function encodeOpenAiResult(r: ChatResult, meta: AnswerMeta): string {
  const message: Obj = { role: "assistant", content: r.content };
  if (r.reasoning) message.reasoning = r.reasoning;
  if (r.toolCalls?.length) message.tool_calls = r.toolCalls.map(toolCallToOpenAi);
  return JSON.stringify({
    id: meta.id,
    object: "chat.completion",
    created: meta.created,
    model: meta.model,
    choices: [{ index: 0, message, finish_reason: r.toolCalls?.length ? "tool_calls" : r.finishReason }],
    usage: usageOf(r.usage),
  });
}

/**
 * Reads OpenAI SSE frames into the router's events. Tool calls arrive in fragments keyed by index; they are
 * put together and handed on whole when the stream finishes, since Ollama sends each call in one piece.
 */
export class OpenAiStreamDecoder {
  private readonly calls: { id?: string; name: string; arguments: string }[] = [];

  /** Events in one frame's data; "end" for the [DONE] terminator. */
  frame(data: string): StreamEvent[] | "end" {
    if (data === "[DONE]") return "end";
    const json = JSON.parse(data) as Obj;
    if (json.error) return [{ type: "error", message: errorText(json.error) }];
    const choice = (json.choices as Obj[] | undefined)?.[0];
    const usage = json.usage as Obj | undefined | null;
    const usageEvent: StreamEvent[] = usage
      ? [{ type: "done", finishReason: "", usage: { promptTokens: numberOr(usage.prompt_tokens), completionTokens: numberOr(usage.completion_tokens) } }]
      : [];
    if (!choice) return usageEvent;
    const delta = (choice.delta ?? {}) as Obj;
    const out: StreamEvent[] = [];
    if (Array.isArray(delta.tool_calls)) this.collect(delta.tool_calls as Obj[]);
    const content = typeof delta.content === "string" ? delta.content : "";
    const reasoning = stringOr(delta.reasoning ?? delta.reasoning_content);
    if (content || reasoning) out.push({ type: "delta", content, reasoning });
    if (choice.finish_reason) {
      if (this.calls.length) out.push({ type: "delta", content: "", toolCalls: this.calls.splice(0) });
      out.push({ type: "done", finishReason: String(choice.finish_reason), usage: {} });
    }
    return usageEvent.length ? out.concat(usageEvent) : out;
  }

  private collect(fragments: Obj[]): void {
    for (const f of fragments) {
      const i = typeof f.index === "number" ? f.index : this.calls.length;
      const fn = (f.function ?? {}) as Obj;
      const call = (this.calls[i] ??= { name: "", arguments: "" });
      if (typeof f.id === "string") call.id = f.id;
      if (typeof fn.name === "string") call.name += fn.name;
      if (typeof fn.arguments === "string") call.arguments += fn.arguments;
    }
  }
}

/** Writes the router's stream events as OpenAI SSE frames. */
export class OpenAiStreamEncoder {
  private started = false;
  private finishReason = "stop";
  private usage: Usage = {};

  constructor(
    private readonly meta: AnswerMeta,
    private readonly includeUsage: boolean,
  ) {}

  delta(ev: Extract<StreamEvent, { type: "delta" }>): string {
    const delta: Obj = {};
    if (!this.started) delta.role = "assistant";
    this.started = true;
    if (ev.content) delta.content = ev.content;
    if (ev.reasoning) delta.reasoning = ev.reasoning;
    if (ev.toolCalls?.length) {
      // A stream's tool calls carry their position first, as OpenAI sends them.
      delta.tool_calls = ev.toolCalls.map((c, i) => ({ index: i, ...toolCallToOpenAi(c, i) }));
      this.finishReason = "tool_calls";
    }
    return this.chunk([{ index: 0, delta, finish_reason: null }]);
  }

  /** Records the end; several done events may arrive (finish reason, then usage), `end()` writes them. */
  done(ev: Extract<StreamEvent, { type: "done" }>): void {
    if (ev.finishReason && this.finishReason !== "tool_calls") this.finishReason = ev.finishReason;
    if (ev.usage.promptTokens !== undefined) this.usage.promptTokens = ev.usage.promptTokens;
    if (ev.usage.completionTokens !== undefined) this.usage.completionTokens = ev.usage.completionTokens;
  }

  end(): string {
    let out = "";
    if (!this.started) out += this.chunk([{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }]);
    out += this.chunk([{ index: 0, delta: {}, finish_reason: this.finishReason }]);
    if (this.includeUsage) out += `data: ${JSON.stringify({ ...this.head(), choices: [], usage: usageOf(this.usage) })}\n\n`;
    return out + "data: [DONE]\n\n";
  }

  private head(): Obj {
    return { id: this.meta.id, object: "chat.completion.chunk", created: this.meta.created, model: this.meta.model };
  }

  private chunk(choices: unknown[]): string {
    return `data: ${JSON.stringify({ ...this.head(), choices })}\n\n`;
  }
}

/** OpenAI's error JSON. */
export function openAiErrorBody(status: number, message: string, param: string | null = null, code: string | null = null): string {
  const type = status === 400 || status === 413 ? "invalid_request_error" : status === 404 ? "not_found_error" : status === 401 ? "authentication_error" : "server_error";
  return JSON.stringify({ error: { message, type, param, code } });
}

/** An error frame that ends a stream: the OpenAI SDKs throw on `data: {"error":...}`. */
export function openAiErrorFrame(message: string, code: string): string {
  return `data: ${JSON.stringify({ error: { message, type: "server_error", param: null, code } })}\n\n`;
}

/** The message of an error body in either dialect, or its text. */
export function errorText(error: unknown): string {
  if (typeof error === "string") return error;
  if (error && typeof error === "object" && typeof (error as Obj).message === "string") return (error as Obj).message as string;
  return JSON.stringify(error);
}

function usageOf(u: Usage): Obj {
  const p = u.promptTokens ?? 0;
  const c = u.completionTokens ?? 0;
  return { prompt_tokens: p, completion_tokens: c, total_tokens: p + c };
}

function toolCallsOf(v: unknown): ToolCall[] | undefined {
  if (!Array.isArray(v) || v.length === 0) return undefined;
  return v.map((c: Obj) => {
    const f = (c.function ?? {}) as Obj;
    return { id: typeof c.id === "string" ? c.id : undefined, name: String(f.name ?? ""), arguments: argumentsText(f.arguments) };
  });
}

/** A tool call as OpenAI writes it; calls without an id get one from their position. */
function toolCallToOpenAi(c: ToolCall, i: number): Obj {
  return { id: c.id ?? `call_${i}`, type: "function", function: { name: c.name, arguments: c.arguments } };
}

/** Tool call arguments as JSON text, the router's form: some servers send an object, some text, some nothing. */
export function argumentsText(args: unknown): string {
  return typeof args === "string" ? args : JSON.stringify(args ?? {});
}

function stringOr(v: unknown): string | undefined {
  return typeof v === "string" && v ? v : undefined;
}

function numberOr(v: unknown): number | undefined {
  return typeof v === "number" ? v : undefined;
}

function defined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}
