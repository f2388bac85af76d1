import { z } from "zod";
import { HttpUrlSchema, serviceBaseShape } from "../service-base.ts";

export const WhisperTargetSchema = z.object({
  ...serviceBaseShape,
  kind: z.literal("whisper"),
  url: HttpUrlSchema,
  /** `whisper.cpp` probes `/health`; `openai` transcribes a short generated clip at /v1/audio/transcriptions. */
  api: z.enum(["whisper.cpp", "openai"]).default("whisper.cpp"),
  /** Model name sent to OpenAI-compatible servers. */
  model: z.string().default("whisper-1"),
});
export type WhisperTarget = z.infer<typeof WhisperTargetSchema>;
