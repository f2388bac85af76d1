import { emptyResult, type ProbeKind } from "../probe-kind.ts";
import { TtsTargetSchema, type TtsTarget } from "./schema.ts";

// PLACEHOLDER: the probe logic for this kind lands with the monitoring issue.
export const ttsProbe = {
  kind: "tts",
  schema: TtsTargetSchema,
  async run() {
    return emptyResult("down", "probe not implemented");
  },
} satisfies ProbeKind<TtsTarget>;
