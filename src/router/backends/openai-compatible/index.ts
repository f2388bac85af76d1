import type { ServiceConfig } from "../../../config/schema.ts";
import type { ChatCall } from "../../chat-types.ts";
import { canonicalToOpenAi } from "../../dialects/openai.ts";
import { passThroughBody, type BackendFamily, type LlmBackend, type PreparedRequest } from "../../llm-backend.ts";

/**
 * Any server with OpenAI's /v1/chat/completions (SSE when streamed): mlx_lm.server, LM Studio, llama.cpp's
 * llama-server, mistral.rs and candle-vllm, and generic OpenAI-compatible servers.
 */
class OpenAiCompatibleBackend implements LlmBackend {
  readonly family = "openai-compatible";
  readonly modelsPath = "/v1/models";

  constructor(
    readonly name: string,
    readonly url: URL,
    readonly headers: Readonly<Record<string, string>>,
  ) {}

  parseModels(json: unknown): string[] {
    const data = (json as { data?: unknown })?.data;
    // Ollama's /v1 and some servers send "data": null with no models.
    if (data === null) return [];
    if (!Array.isArray(data)) throw new Error("no data array in /v1/models");
    // mistral.rs always lists a "default" alias first; it is not a model anyone asks for by name.
    return data.map((m: { id?: unknown }) => String(m.id ?? "")).filter((id) => id && id !== "default");
  }

  prepare(call: ChatCall, model: string): PreparedRequest {
    const body = call.dialect === "openai" ? passThroughBody(call, model) : Buffer.from(JSON.stringify(canonicalToOpenAi(call.canonical(), model)));
    return { path: "/v1/chat/completions", body, answers: "openai" };
  }
}

export const openAiCompatibleFamily: BackendFamily = {
  family: "openai-compatible",
  kinds: ["openai-compatible", "lmstudio", "mlx", "llamacpp", "candle"],
  create(service: ServiceConfig) {
    const { url, apiKey } = service as { url?: string; apiKey?: string };
    if (!url) return undefined;
    // A base URL written with /v1 would otherwise become /v1/v1/chat/completions.
    const base = new URL(url.replace(/\/v1\/?$/, ""));
    return new OpenAiCompatibleBackend(service.name, base, apiKey ? { authorization: `Bearer ${apiKey}` } : {});
  },
};
