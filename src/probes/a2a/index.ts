import { emptyResult, type ProbeKind } from "../probe-kind.ts";
import { A2aTargetSchema, type A2aTarget } from "./schema.ts";

// PLACEHOLDER: the probe logic for this kind lands with the monitoring issue.
export const a2aProbe = {
  kind: "a2a",
  schema: A2aTargetSchema,
  async run() {
    return emptyResult("down", "probe not implemented");
  },
} satisfies ProbeKind<A2aTarget>;
