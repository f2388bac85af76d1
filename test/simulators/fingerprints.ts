import type { SimulatorKind } from "../../scripts/simulators/index.ts";

/** For each kind, one cheap request whose 200 answer is static and identifies the server. */
export const FINGERPRINTS: Record<string, { method: string; path: string; body?: unknown }> = {
  ollama: { method: "GET", path: "/" },
  "openai-compatible": { method: "GET", path: "/v1/models" },
  mistralrs: { method: "GET", path: "/health" },
  "candle-vllm": { method: "POST", path: "/v1/chat/completions", body: { model: "x", messages: [{ role: "user", content: "hi" }] } },
  lmstudio: { method: "GET", path: "/lmstudio-greeting" },
  mlx: { method: "GET", path: "/health" },
  llamacpp: { method: "GET", path: "/props" },
  whisper: { method: "GET", path: "/health" },
  "whisper-openai": { method: "GET", path: "/health" },
  "tts-openai": { method: "GET", path: "/v1/audio/voices" },
  "tts-gradio": { method: "GET", path: "/gradio_api/info" },
  "vision-openai": { method: "GET", path: "/v1/models" },
  kserve: { method: "GET", path: "/v2" },
  automatic1111: { method: "GET", path: "/sdapi/v1/sd-models" },
  comfyui: { method: "GET", path: "/system_stats" },
  a2a: { method: "GET", path: "/.well-known/agent-card.json" },
} satisfies Partial<Record<SimulatorKind, unknown>>;
