import { z } from "zod";
import { DurationSchema } from "../probes/service-base.ts";

export const RouterConfigSchema = z.object({
  /** Service names, in order of preference; every LLM service when left out. */
  backends: z.array(z.string()).optional(),
  /** Backends per tier for `model: "auto"`; an empty tier falls back to every backend. */
  tiers: z
    .object({
      fast: z.array(z.string()).default([]),
      large: z.array(z.string()).default([]),
    })
    .prefault({}),
  timeouts: z
    .object({
      connect: DurationSchema.default("2s"),
      firstByte: DurationSchema.default("30s"),
      idle: DurationSchema.default("30s"),
    })
    .prefault({}),
  /** Largest request body accepted, in bytes. */
  maxBodyBytes: z.number().int().min(1024).default(8 * 1024 * 1024),
});
export type RouterConfig = z.infer<typeof RouterConfigSchema>;

export const PipelinesConfigSchema = z.object({
  voice: z
    .object({ stt: z.string().default("whisper"), tts: z.string().default("tts") })
    .prefault({}),
  vision: z.object({ model: z.string().default("vision") }).prefault({}),
});
export type PipelinesConfig = z.infer<typeof PipelinesConfigSchema>;
