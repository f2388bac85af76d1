import { emptyResult, type ProbeKind } from "../probe-kind.ts";
import { LlamaCppTargetSchema, type LlamaCppTarget } from "./schema.ts";

// PLACEHOLDER: the probe logic for this kind lands with the monitoring issue.
export const llamaCppProbe = {
  kind: "llamacpp",
  schema: LlamaCppTargetSchema,
  async run() {
    return emptyResult("down", "probe not implemented");
  },
} satisfies ProbeKind<LlamaCppTarget>;
