import type { ServiceConfig } from "../../config/schema.ts";
import type { BackendFamily, LlmBackend } from "../llm-backend.ts";
import { ollamaFamily } from "./ollama/index.ts";
import { openAiCompatibleFamily } from "./openai-compatible/index.ts";

/** THE list of backend families. */
export const BACKEND_FAMILIES: readonly BackendFamily[] = [ollamaFamily, openAiCompatibleFamily];

/** Service kind → family; a kind claimed twice is a programming error caught at start-up. */
function buildRegistry(families: readonly BackendFamily[]): ReadonlyMap<string, BackendFamily> {
  const map = new Map<string, BackendFamily>();
  for (const f of families) {
    for (const kind of f.kinds) {
      if (map.has(kind)) throw new Error(`service kind ${kind} claimed by two backend families`);
      map.set(kind, f);
    }
  }
  return map;
}

export const backendRegistry = buildRegistry(BACKEND_FAMILIES);

/** Whether a service is one the router can send chats to (an LLM kind with a URL). */
export function isLlmService(service: ServiceConfig): boolean {
  return backendRegistry.has(service.kind) && typeof (service as { url?: unknown }).url === "string";
}

/** The backend for a service, or undefined when it is not an LLM service with a URL. */
export function createBackend(service: ServiceConfig): LlmBackend | undefined {
  return backendRegistry.get(service.kind)?.create(service);
}
