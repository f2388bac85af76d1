import { emptyResult, type ProbeKind } from "../probe-kind.ts";
import { ProcessTargetSchema, type ProcessTarget } from "./schema.ts";

// PLACEHOLDER: the probe logic for this kind lands with the monitoring issue.
export const processProbe = {
  kind: "process",
  schema: ProcessTargetSchema,
  async run() {
    return emptyResult("down", "probe not implemented");
  },
} satisfies ProbeKind<ProcessTarget>;
