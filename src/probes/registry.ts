import type { ProbeKind } from "./probe-kind.ts";
import { a2aProbe } from "./a2a/index.ts";
import { candleProbe } from "./candle/index.ts";
import { hostProbe } from "./host/index.ts";
import { llamaCppProbe } from "./llamacpp/index.ts";
import { lmStudioProbe } from "./lmstudio/index.ts";
import { mlxProbe } from "./mlx/index.ts";
import { ollamaProbe } from "./ollama/index.ts";
import { openAiCompatibleProbe } from "./openai-compatible/index.ts";
import { processProbe } from "./process/index.ts";
import { ttsProbe } from "./tts/index.ts";
import { visionProbe } from "./vision/index.ts";
import { whisperProbe } from "./whisper/index.ts";

/** THE list of probe kinds. The config schema, `probe`, and the scheduler all read it from here. */
export const PROBE_KINDS = [
  ollamaProbe,
  openAiCompatibleProbe,
  lmStudioProbe,
  mlxProbe,
  llamaCppProbe,
  candleProbe,
  whisperProbe,
  ttsProbe,
  visionProbe,
  a2aProbe,
  processProbe,
  hostProbe,
] as const;

export type AnyProbeKind = (typeof PROBE_KINDS)[number];

/** Registers each kind under its own `kind`; a duplicate is a programming error caught at start-up. */
function buildRegistry(kinds: readonly ProbeKind<any>[]): ReadonlyMap<string, ProbeKind<any>> {
  const map = new Map<string, ProbeKind<any>>();
  for (const k of kinds) {
    if (!k.kind) throw new Error("probe kind without a name");
    if (map.has(k.kind)) throw new Error(`probe kind registered twice: ${k.kind}`);
    map.set(k.kind, k);
  }
  return map;
}

export const probeRegistry = buildRegistry(PROBE_KINDS);

export function probeKindOf(kind: string): ProbeKind<any> {
  const k = probeRegistry.get(kind);
  if (!k) throw new Error(`unknown probe kind "${kind}"; known kinds: ${[...probeRegistry.keys()].join(", ")}`);
  return k;
}
