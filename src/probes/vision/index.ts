import { emptyResult, type ProbeKind } from "../probe-kind.ts";
import { VisionTargetSchema, type VisionTarget } from "./schema.ts";

// PLACEHOLDER: the probe logic for this kind lands with the monitoring issue.
export const visionProbe = {
  kind: "vision",
  schema: VisionTargetSchema,
  async run() {
    return emptyResult("down", "probe not implemented");
  },
} satisfies ProbeKind<VisionTarget>;
