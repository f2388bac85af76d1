import { emptyResult, type ProbeKind } from "../probe-kind.ts";
import { HostTargetSchema, type HostTarget } from "./schema.ts";

// PLACEHOLDER: the probe logic for this kind lands with the monitoring issue.
export const hostProbe = {
  kind: "host",
  schema: HostTargetSchema,
  async run() {
    return emptyResult("down", "probe not implemented");
  },
} satisfies ProbeKind<HostTarget>;
