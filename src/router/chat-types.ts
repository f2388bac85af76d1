/**
 * The router's own form of a chat, between the dialects: clients and backends speak OpenAI or Ollama, and a
 * request or answer crossing from one to the other passes through these types.
 */

/** The wire dialects: OpenAI chat completions (SSE), Ollama /api/chat and /api/generate (NDJSON). */
export type Dialect = "openai" | "ollama-chat" | "ollama-generate";

export interface ChatImage {
  /** e.g. image/png; guessed from the bytes when the sender did not say. */
  mime: string;
  /** Base64 without a data: prefix. */
  data: string;
}

export interface ToolCall {
  id?: string;
  name: string;
  /** The arguments as JSON text (OpenAI's form; Ollama's object is serialised). */
  arguments: string;
}

export interface ChatMessage {
  role: string;
  content: string;
  images?: ChatImage[];
  toolCalls?: ToolCall[];
  toolCallId?: string;
  name?: string;
  reasoning?: string;
}

export interface GenOptions {
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  stop?: string[];
  seed?: number;
  frequencyPenalty?: number;
  presencePenalty?: number;
  /** "json", or a JSON schema object. */
  format?: "json" | Record<string, unknown>;
}

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  stream: boolean;
  options: GenOptions;
  tools?: unknown[];
  /** OpenAI stream_options.include_usage: a usage chunk before [DONE]. */
  includeUsage?: boolean;
}

export interface Usage {
  promptTokens?: number;
  completionTokens?: number;
}

/** A whole answer (not streamed). */
export interface ChatResult {
  model: string;
  content: string;
  reasoning?: string;
  toolCalls?: ToolCall[];
  finishReason: string;
  usage: Usage;
}

/** One decoded piece of a streamed answer. */
export type StreamEvent =
  | { type: "delta"; content: string; reasoning?: string; toolCalls?: ToolCall[] }
  | { type: "done"; finishReason: string; usage: Usage }
  | { type: "error"; message: string };

/** A client's validated request, with the bytes it sent so an answer in the same dialect can pass through as-is. */
export interface ChatCall {
  dialect: Dialect;
  /** The validated body as the client sent it, unknown fields kept. */
  body: Record<string, unknown>;
  raw: Buffer;
  model: string;
  stream: boolean;
  /** The request in the router's form; built on first use, since a same-dialect pass-through never needs it. */
  canonical(): ChatRequest;
}
