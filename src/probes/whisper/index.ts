import { emptyResult, type ProbeKind } from "../probe-kind.ts";
import { WhisperTargetSchema, type WhisperTarget } from "./schema.ts";

// PLACEHOLDER: the probe logic for this kind lands with the monitoring issue.
export const whisperProbe = {
  kind: "whisper",
  schema: WhisperTargetSchema,
  async run() {
    return emptyResult("down", "probe not implemented");
  },
} satisfies ProbeKind<WhisperTarget>;
