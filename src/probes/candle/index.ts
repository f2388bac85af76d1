import { emptyResult, type ProbeKind } from "../probe-kind.ts";
import { CandleTargetSchema, type CandleTarget } from "./schema.ts";

// PLACEHOLDER: the probe logic for this kind lands with the monitoring issue.
export const candleProbe = {
  kind: "candle",
  schema: CandleTargetSchema,
  async run() {
    return emptyResult("down", "probe not implemented");
  },
} satisfies ProbeKind<CandleTarget>;
