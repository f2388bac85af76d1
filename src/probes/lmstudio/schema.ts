import { z } from "zod";
import { HttpUrlSchema, serviceBaseShape } from "../service-base.ts";

/** LM Studio's own default port; the reference setup moves it to 5901 in the config. */
export const DEFAULT_LMSTUDIO_URL = "http://127.0.0.1:1234";

export const LmStudioTargetSchema = z.object({
  ...serviceBaseShape,
  kind: z.literal("lmstudio"),
  url: HttpUrlSchema.default(DEFAULT_LMSTUDIO_URL),
  apiKey: z.string().optional(),
});
export type LmStudioTarget = z.infer<typeof LmStudioTargetSchema>;
