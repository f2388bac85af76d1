import type { ServiceConfig } from "../../config/schema.ts";
import { isFailure } from "../../probes/probe-kind.ts";
import type { LiveState } from "../live-state.ts";
import type { BenchmarksConfig } from "../monitor-config.ts";
import type { BenchmarkFamily, BenchmarkTarget } from "./benchmark-types.ts";

/** How each kind that can be benchmarked is asked: its API family. Kinds not listed have no benchmark. */
export const BENCHMARK_FAMILIES: ReadonlyMap<string, BenchmarkFamily> = new Map<string, BenchmarkFamily>([
  ["ollama", "ollama"],
  ["mlx", "openai-chat"],
  ["lmstudio", "openai-chat"],
  ["llamacpp", "openai-chat"],
  ["candle", "openai-chat"],
  ["openai-compatible", "openai-chat"],
  ["whisper", "speech"],
]);

const DEFAULT_PROMPT = "Write one sentence about the sea.";
const DEFAULT_MAX_TOKENS = 64;

/**
 * Which services a run benchmarks (pure): those with a `benchmark` block, and the LLM services with a url when
 * `llmByDefault` is on; `benchmark: { enabled: false }` opts out. A service down at its last probe, or with no
 * model known yet, is skipped with the reason.
 */
export function benchmarkPlan(
  services: readonly ServiceConfig[],
  config: BenchmarksConfig,
  live: LiveState,
): { targets: BenchmarkTarget[]; skipped: { service: string; reason: string }[] } {
  const targets: BenchmarkTarget[] = [];
  const skipped: { service: string; reason: string }[] = [];
  for (const service of services) {
    const block = service.benchmark;
    if (block?.enabled === false) continue;
    const family = BENCHMARK_FAMILIES.get(service.kind);
    if (!family) {
      if (block) skipped.push({ service: service.name, reason: `no benchmark for kind ${service.kind}` });
      continue;
    }
    if (!block && !(config.llmByDefault && family !== "speech")) continue;
    const url = (service as { url?: unknown }).url;
    if (typeof url !== "string") {
      skipped.push({ service: service.name, reason: "no url to send requests to" });
      continue;
    }
    const state = live.get(service.name);
    if (state && isFailure(state.result.status)) {
      skipped.push({ service: service.name, reason: `${state.result.status} at the last probe` });
      continue;
    }
    const ownModel = (service as { model?: unknown }).model;
    const model =
      service.models[0] ?? state?.result.models.loaded[0] ?? state?.result.models.available[0] ?? (typeof ownModel === "string" ? ownModel : null);
    if (!model && family !== "speech") {
      skipped.push({ service: service.name, reason: "no model known yet (configure models: or wait for a probe)" });
      continue;
    }
    const apiKey = (service as { apiKey?: unknown }).apiKey;
    targets.push({
      service,
      family,
      url: url.replace(/\/+$/, ""),
      model,
      cold: state?.result.status === "cold",
      prompt: block?.prompt ?? DEFAULT_PROMPT,
      maxTokens: block?.maxTokens ?? DEFAULT_MAX_TOKENS,
      apiKey: typeof apiKey === "string" ? apiKey : undefined,
    });
  }
  return { targets, skipped };
}
