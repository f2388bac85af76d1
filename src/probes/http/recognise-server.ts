import type { HttpReply } from "./fetch-capped.ts";
import { bodyText, looksLikeHtml } from "./read-body.ts";

/** Servers the tracker can tell apart by what they answer; the names appear in `wrong-service` details. */
export type KnownServer =
  | "Ollama"
  | "LM Studio"
  | "llama.cpp"
  | "mlx_lm.server"
  | "whisper.cpp"
  | "llama.cpp or whisper.cpp"
  | "mistral.rs"
  | "candle-vllm"
  | "a Gradio app"
  | "ComfyUI"
  | "Triton/KServe"
  | "speaches"
  | "Kokoro-FastAPI";

/**
 * Names the server behind a reply from its fingerprint (../shared/services/API.md section 0), or null when the
 * reply does not identify one. Used on answers a probe did not expect, to tell "another server on this port"
 * (wrong-service) from "this server, broken" (down).
 */
export function recogniseServer(reply: HttpReply): KnownServer | null {
  const text = bodyText(reply);
  if (text === null) return null;
  const trimmed = text.trim();
  if (trimmed === "Ollama is running") return "Ollama";
  if (trimmed.startsWith("File Not Found (/")) return "whisper.cpp";
  if (trimmed === '{"status": "ok"}') return "mlx_lm.server";
  if (looksLikeHtml(reply)) return /gradio/i.test(text) ? "a Gradio app" : null;
  let json: unknown;
  try {
    json = JSON.parse(trimmed);
  } catch {
    return null;
  }
  return recogniseJson(json);
}

function recogniseJson(json: unknown): KnownServer | null {
  if (!json || typeof json !== "object") return null;
  const o = json as Record<string, unknown>;
  if (o.lmstudio === true) return "LM Studio";
  if (typeof o.error === "string" && o.error.startsWith("Unexpected endpoint or method")) return "LM Studio";
  // mlx_lm.server tries to fetch an unknown model from the Hugging Face hub and answers 404 with that exception.
  if (typeof o.error === "string" && o.error.startsWith("Repository Not Found for url: https://huggingface.co/")) return "mlx_lm.server";
  const err = o.error as Record<string, unknown> | undefined;
  // llama.cpp puts the HTTP status in `code` and has no `param`; OpenAI-shaped errors have `param` and a null code.
  if (err && typeof err === "object" && typeof err.code === "number" && !("param" in err) && typeof err.type === "string" && /_error$/.test(err.type)) {
    return "llama.cpp";
  }
  if (typeof o.build_info === "string" && "total_slots" in o) return "llama.cpp";
  if (o.status === "loading model") return "whisper.cpp";
  if (o.status === "ok" && Object.keys(o).length === 1) return "llama.cpp or whisper.cpp";
  if (o.message === "OK" && Object.keys(o).length === 1) return "speaches";
  if (o.status === "healthy") return "Kokoro-FastAPI";
  const system = o.system as Record<string, unknown> | undefined;
  if (system && typeof system === "object" && "comfyui_version" in system) return "ComfyUI";
  if (Array.isArray(o.extensions) && typeof o.name === "string" && typeof o.version === "string") return "Triton/KServe";
  if (Array.isArray(o.data)) return recogniseModelList(o.data, Array.isArray(o.models));
  return null;
}

/** `/v1/models` lists carry tell-tale fields: `owned_by`, a `default` entry, LM Studio's `state`. */
function recogniseModelList(data: unknown[], hasOllamaModels: boolean): KnownServer | null {
  const items = data.filter((d): d is Record<string, unknown> => !!d && typeof d === "object");
  if (items.some((d) => d.owned_by === "llamacpp") || hasOllamaModels) return "llama.cpp";
  if (items.some((d) => d.owned_by === "candle-vllm")) return "candle-vllm";
  if (items[0]?.id === "default" && items[0]?.owned_by === "local") return "mistral.rs";
  if (items.some((d) => d.state === "loaded" || d.state === "not-loaded")) return "LM Studio";
  if (items.some((d) => typeof d.task === "string")) return "speaches";
  if (items.some((d) => d.owned_by === "library")) return "Ollama";
  return null;
}
