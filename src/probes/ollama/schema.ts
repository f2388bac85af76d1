import { z } from "zod";
import { HttpUrlSchema, serviceBaseShape } from "../service-base.ts";

export const DEFAULT_OLLAMA_URL = "http://127.0.0.1:11434";

export const OllamaTargetSchema = z.object({
  ...serviceBaseShape,
  kind: z.literal("ollama"),
  url: HttpUrlSchema.default(DEFAULT_OLLAMA_URL),
});
export type OllamaTarget = z.infer<typeof OllamaTargetSchema>;
