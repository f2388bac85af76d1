import { emptyResult, type ProbeKind } from "../probe-kind.ts";
import { LmStudioTargetSchema, type LmStudioTarget } from "./schema.ts";

// PLACEHOLDER: the probe logic for this kind lands with the monitoring issue.
export const lmStudioProbe = {
  kind: "lmstudio",
  schema: LmStudioTargetSchema,
  async run() {
    return emptyResult("down", "probe not implemented");
  },
} satisfies ProbeKind<LmStudioTarget>;
