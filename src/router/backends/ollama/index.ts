import type { ServiceConfig } from "../../../config/schema.ts";
import type { ChatCall } from "../../chat-types.ts";
import { canonicalToOllamaChat } from "../../dialects/ollama.ts";
import { passThroughBody, type BackendFamily, type LlmBackend, type PreparedRequest } from "../../llm-backend.ts";

/** Ollama's native API: /api/chat and /api/generate, streamed as NDJSON. */
class OllamaBackend implements LlmBackend {
  readonly family = "ollama";
  readonly modelsPath = "/api/tags";
  readonly headers = {};

  constructor(
    readonly name: string,
    readonly url: URL,
  ) {}

  parseModels(json: unknown): string[] {
    const models = (json as { models?: unknown })?.models;
    if (!Array.isArray(models)) throw new Error("no models array in /api/tags");
    return models.map((m: { name?: unknown; model?: unknown }) => String(m.name ?? m.model ?? "")).filter(Boolean);
  }

  prepare(call: ChatCall, model: string): PreparedRequest {
    if (call.dialect === "ollama-chat") return { path: "/api/chat", body: passThroughBody(call, model), answers: "ollama-chat" };
    if (call.dialect === "ollama-generate") return { path: "/api/generate", body: passThroughBody(call, model), answers: "ollama-generate" };
    return { path: "/api/chat", body: Buffer.from(JSON.stringify(canonicalToOllamaChat(call.canonical(), model))), answers: "ollama-chat" };
  }
}

export const ollamaFamily: BackendFamily = {
  family: "ollama",
  kinds: ["ollama"],
  create(service: ServiceConfig) {
    const url = (service as { url?: string }).url;
    return url ? new OllamaBackend(service.name, new URL(url)) : undefined;
  },
};
