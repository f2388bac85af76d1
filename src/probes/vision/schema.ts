import { z } from "zod";
import { HttpUrlSchema, serviceBaseShape } from "../service-base.ts";

export const VisionTargetSchema = z.object({
  ...serviceBaseShape,
  kind: z.literal("vision"),
  url: HttpUrlSchema,
  /** openai: vision chat with a tiny generated image; kserve: Triton/KServe v2 readiness; automatic1111; comfyui. */
  api: z.enum(["openai", "kserve", "automatic1111", "comfyui"]).default("openai"),
  /** The model to ask (openai) or whose readiness to check (kserve). */
  model: z.string().optional(),
});
export type VisionTarget = z.infer<typeof VisionTargetSchema>;
