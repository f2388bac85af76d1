import { z } from "zod";
import { DurationSchema, HttpUrlSchema, serviceBaseShape } from "../service-base.ts";

export const TtsTargetSchema = z.object({
  ...serviceBaseShape,
  kind: z.literal("tts"),
  url: HttpUrlSchema,
  /** `openai` posts to /v1/audio/speech; `gradio` calls a Gradio app's endpoint (Nari Dia: generate_audio). */
  api: z.enum(["openai", "gradio"]).default("openai"),
  model: z.string().default("tts-1"),
  voice: z.string().default("alloy"),
  gradioEndpoint: z.string().default("generate_audio"),
  /** Synthesising audio is not free; a cheap liveness check runs every interval and synthesis only this often. */
  synthesisEvery: DurationSchema.default("5m"),
});
export type TtsTarget = z.infer<typeof TtsTargetSchema>;
