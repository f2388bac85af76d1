import type { ServiceConfig } from "../config/schema.ts";
import type { ChatCall, Dialect } from "./chat-types.ts";

/** The request to send one backend for a chat, in its own dialect. */
export interface PreparedRequest {
  path: string;
  body: Buffer;
  /** The dialect the backend will answer in; the same as the client's means the answer passes through. */
  answers: Dialect;
}

/** One inference server the router can send chats to; one implementation per backend family. */
export interface LlmBackend {
  /** The service name from the config. */
  readonly name: string;
  /** The family folder under backends/ (ollama, openai-compatible). */
  readonly family: string;
  readonly url: URL;
  /** Headers for every request, e.g. the service's API key. */
  readonly headers: Readonly<Record<string, string>>;
  /** Path of the model list. */
  readonly modelsPath: string;
  /** The model names in a model-list answer; throws on an answer that is not one. */
  parseModels(json: unknown): string[];
  /** The request for `call`, asking for `model` (the backend's spelling). */
  prepare(call: ChatCall, model: string): PreparedRequest;
}

/** A backend family: which service kinds it serves and how to build a backend for one. */
export interface BackendFamily {
  readonly family: string;
  /** Service kinds (config `kind:`) this family speaks to. */
  readonly kinds: readonly string[];
  /** The backend for a service, or undefined when the entry has no URL to send chats to (a Candle binary). */
  create(service: ServiceConfig): LlmBackend | undefined;
}

/** The body to send when the call needs no translation: the client's bytes, or a copy with the model replaced. */
export function passThroughBody(call: ChatCall, model: string): Buffer {
  return model === call.model ? call.raw : Buffer.from(JSON.stringify({ ...call.body, model }));
}
