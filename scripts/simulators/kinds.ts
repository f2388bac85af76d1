import type { KindDefinition, SimulatorKind } from "./shared/types.ts";
import { candleVllmSimulator } from "./candle-vllm.ts";
import { llamaCppSimulator } from "./llamacpp.ts";
import { lmStudioSimulator } from "./lmstudio.ts";
import { mistralRsSimulator } from "./mistralrs.ts";
import { mlxSimulator } from "./mlx.ts";
import { ollamaSimulator } from "./ollama.ts";
import { openAiCompatibleSimulator } from "./openai-compatible.ts";
import { whisperSimulator } from "./whisper.ts";
import { whisperOpenAiSimulator } from "./whisper-openai.ts";
import { ttsOpenAiSimulator } from "./tts-openai.ts";
import { ttsGradioSimulator } from "./tts-gradio.ts";
import { visionOpenAiSimulator } from "./vision-openai.ts";
import { kserveSimulator } from "./kserve.ts";
import { automatic1111Simulator } from "./automatic1111.ts";
import { comfyUiSimulator } from "./comfyui.ts";
import { a2aSimulator } from "./a2a.ts";

/** THE list of simulated services, keyed by each definition's own kind. */
const DEFINITIONS: readonly KindDefinition[] = [
  ollamaSimulator,
  openAiCompatibleSimulator,
  mistralRsSimulator,
  candleVllmSimulator,
  lmStudioSimulator,
  mlxSimulator,
  llamaCppSimulator,
  whisperSimulator,
  whisperOpenAiSimulator,
  ttsOpenAiSimulator,
  ttsGradioSimulator,
  visionOpenAiSimulator,
  kserveSimulator,
  automatic1111Simulator,
  comfyUiSimulator,
  a2aSimulator,
];

function buildRegistry(defs: readonly KindDefinition[]): ReadonlyMap<SimulatorKind, KindDefinition> {
  const map = new Map<SimulatorKind, KindDefinition>();
  for (const def of defs) {
    if (map.has(def.kind)) throw new Error(`simulator kind registered twice: ${def.kind}`);
    map.set(def.kind, def);
  }
  return map;
}

export const SIMULATOR_DEFINITIONS = buildRegistry(DEFINITIONS);

export function definitionFor(kind: SimulatorKind): KindDefinition {
  const def = SIMULATOR_DEFINITIONS.get(kind);
  if (!def) throw new Error(`unknown simulator kind "${kind}"; one of ${[...SIMULATOR_DEFINITIONS.keys()].join(", ")}`);
  return def;
}
