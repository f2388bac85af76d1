import { emptyResult, type ProbeKind } from "../probe-kind.ts";
import { OpenAiCompatibleTargetSchema, type OpenAiCompatibleTarget } from "./schema.ts";

// PLACEHOLDER: the probe logic for this kind lands with the monitoring issue.
export const openAiCompatibleProbe = {
  kind: "openai-compatible",
  schema: OpenAiCompatibleTargetSchema,
  async run() {
    return emptyResult("down", "probe not implemented");
  },
} satisfies ProbeKind<OpenAiCompatibleTarget>;
