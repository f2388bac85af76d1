import type { ChatCall, ChatRequest, Dialect } from "./chat-types.ts";
import { ollamaChatToCanonical, ollamaGenerateToCanonical } from "./dialects/ollama.ts";
import { openAiToCanonical } from "./dialects/openai.ts";
import {
  describeIssue,
  OllamaChatRequestSchema,
  OllamaGenerateRequestSchema,
  OpenAiChatRequestSchema,
  type OllamaChatRequest,
  type OllamaGenerateRequest,
  type OpenAiChatRequest,
} from "./request-schemas.ts";

/** Why a request body was refused: always a 400 naming the place. */
export interface CallError {
  error: string;
  /** The field at fault, e.g. "messages.0.role"; null when the body as a whole is wrong. */
  param: string | null;
}

const SCHEMAS = { openai: OpenAiChatRequestSchema, "ollama-chat": OllamaChatRequestSchema, "ollama-generate": OllamaGenerateRequestSchema } as const;

/** Parses and validates a chat request body in a dialect; never throws. */
export function parseCall(dialect: Dialect, raw: Buffer): ChatCall | CallError {
  if (raw.length === 0) return { error: "the request has no body; send a JSON object", param: null };
  let json: unknown;
  try {
    json = JSON.parse(raw.toString("utf8"));
  } catch (err) {
    return { error: `the request body is not valid JSON: ${(err as Error).message}`, param: null };
  }
  if (!json || typeof json !== "object" || Array.isArray(json)) return { error: "the request body must be a JSON object", param: null };
  const parsed = SCHEMAS[dialect].safeParse(json);
  if (!parsed.success) {
    const { param, message } = describeIssue(parsed.error);
    return { error: message, param };
  }
  return new ParsedCall(dialect, parsed.data as Record<string, unknown> & { model: string; stream?: boolean | null }, raw);
}

/** A class rather than an object literal with a closure: this runs once per request. */
class ParsedCall implements ChatCall {
  readonly model: string;
  readonly stream: boolean;
  private canonicalForm: ChatRequest | undefined;

  constructor(
    readonly dialect: Dialect,
    readonly body: Record<string, unknown> & { model: string; stream?: boolean | null },
    readonly raw: Buffer,
  ) {
    this.model = body.model;
    // Ollama streams unless told not to; OpenAI only when asked.
    this.stream = dialect === "openai" ? body.stream === true : body.stream !== false;
  }

  canonical(): ChatRequest {
    return (this.canonicalForm ??= toCanonical(this.dialect, this.body));
  }
}

function toCanonical(dialect: Dialect, body: Record<string, unknown>): ChatRequest {
  switch (dialect) {
    case "openai":
      return openAiToCanonical(body as OpenAiChatRequest);
    case "ollama-chat":
      return ollamaChatToCanonical(body as OllamaChatRequest);
    case "ollama-generate":
      return ollamaGenerateToCanonical(body as OllamaGenerateRequest);
    default: {
      const never: never = dialect;
      throw new Error(`unknown dialect ${String(never)}`);
    }
  }
}

export function isCallError(v: ChatCall | CallError): v is CallError {
  return (v as CallError).error !== undefined;
}
