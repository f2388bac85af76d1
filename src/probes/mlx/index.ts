import { emptyResult, type ProbeKind } from "../probe-kind.ts";
import { MlxTargetSchema, type MlxTarget } from "./schema.ts";

// PLACEHOLDER: the probe logic for this kind lands with the monitoring issue.
export const mlxProbe = {
  kind: "mlx",
  schema: MlxTargetSchema,
  async run() {
    return emptyResult("down", "probe not implemented");
  },
} satisfies ProbeKind<MlxTarget>;
