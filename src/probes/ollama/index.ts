import { emptyResult, type ProbeKind } from "../probe-kind.ts";
import { OllamaTargetSchema, type OllamaTarget } from "./schema.ts";

// PLACEHOLDER: the probe logic for this kind lands with the monitoring issue.
export const ollamaProbe = {
  kind: "ollama",
  schema: OllamaTargetSchema,
  async run() {
    return emptyResult("down", "probe not implemented");
  },
} satisfies ProbeKind<OllamaTarget>;
