import { z } from "zod";
import { HttpUrlSchema, serviceBaseShape } from "../service-base.ts";

export const DEFAULT_LLAMACPP_URL = "http://127.0.0.1:8080";

export const LlamaCppTargetSchema = z.object({
  ...serviceBaseShape,
  kind: z.literal("llamacpp"),
  url: HttpUrlSchema.default(DEFAULT_LLAMACPP_URL),
  apiKey: z.string().optional(),
});
export type LlamaCppTarget = z.infer<typeof LlamaCppTargetSchema>;
