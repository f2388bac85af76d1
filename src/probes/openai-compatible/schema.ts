import { z } from "zod";
import { HttpUrlSchema, serviceBaseShape } from "../service-base.ts";

export const OpenAiCompatibleTargetSchema = z.object({
  ...serviceBaseShape,
  kind: z.literal("openai-compatible"),
  /** Base URL without `/v1`, e.g. http://127.0.0.1:8000. */
  url: HttpUrlSchema,
  apiKey: z.string().optional(),
});
export type OpenAiCompatibleTarget = z.infer<typeof OpenAiCompatibleTargetSchema>;
