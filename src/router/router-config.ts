import { z } from "zod";
import { DurationSchema } from "../probes/service-base.ts";

const Fraction = z.number().min(0).max(1);

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
  /** The model each backend runs for `model: "auto"`, per tier; else its loaded model, then its first configured or listed one. */
  autoModels: z
    .object({
      fast: z.record(z.string(), z.string().min(1)).default({}),
      large: z.record(z.string(), z.string().min(1)).default({}),
    })
    .prefault({}),
  /** Prompt complexity score at or above which `auto` picks the large tier (see complexity.ts for the points). */
  largeTierScore: z.number().min(0).default(3),
  /** How long a backend's model list is trusted before it is asked again. */
  modelRefresh: DurationSchema.default("30s"),
  /** One circuit breaker per backend. */
  breaker: z
    .object({
      /** Failures in a row that open the breaker. */
      failures: z.number().int().min(1).default(5),
      /** Error rate over `window` that opens it, once `minRequests` were seen. */
      errorRate: Fraction.default(0.5),
      minRequests: z.number().int().min(1).default(20),
      window: DurationSchema.default("30s"),
      /** How long an open breaker waits before letting one trial request through. */
      cooldown: DurationSchema.default("10s"),
    })
    .prefault({}),
  /**
   * The `host` service whose memory reading guards a backend; by default backends on a loopback URL belong to
   * the first service of kind host.
   */
  hostOf: z.record(z.string(), z.string()).default({}),
});
export type RouterConfig = z.infer<typeof RouterConfigSchema>;

export const PipelinesConfigSchema = z.object({
  voice: z
    .object({
      stt: z.string().default("whisper"),
      tts: z.string().default("tts"),
      /** The router model for the answer. */
      model: z.string().default("auto"),
      /** Instructions for the spoken answer. */
      system: z.string().default("You are a voice assistant. Answer briefly, in plain sentences that read well aloud."),
      /** Largest audio accepted, in bytes. */
      maxAudioBytes: z.number().int().min(1024).default(25 * 1024 * 1024),
    })
    .prefault({}),
  vision: z
    .object({
      model: z.string().default("vision"),
      /** The router model that answers from the description. */
      llm: z.string().default("auto"),
      /** What the vision model is asked. */
      describePrompt: z.string().default("Describe this image in detail: the objects, people, text and setting."),
      maxImageBytes: z.number().int().min(1024).default(20 * 1024 * 1024),
    })
    .prefault({}),
  /** Time limit for each pipeline stage outside the router. */
  stageTimeout: DurationSchema.default("120s"),
});
export type PipelinesConfig = z.infer<typeof PipelinesConfigSchema>;
