import { z } from "zod";
import { DURATION_PATTERN } from "../shared/duration.ts";

export const DurationSchema = z.string().regex(DURATION_PATTERN, 'a duration such as "250ms", "30s", "5m", "1h" or "7d"');

export const HttpUrlSchema = z.url({ protocol: /^https?$/, error: "an http:// or https:// URL" });

/** A restart hook: runs only commands from the config file, after N failures, with backoff and a cap. */
export const RestartSchema = z.object({
  command: z.array(z.string().min(1)).min(1, "the command and its arguments, e.g. [brew, services, restart, ollama]"),
  after: z.number().int().min(1).default(3),
  backoff: DurationSchema.default("1m"),
  maxAttempts: z.number().int().min(1).default(3),
  timeout: DurationSchema.default("30s"),
});

/** Fields every service entry has, whatever its kind. */
export const serviceBaseShape = {
  name: z.string().regex(/^[a-z0-9][a-z0-9_.-]*$/, "lower-case letters, digits, '.', '_' or '-'"),
  description: z.string().optional(),
  /** Overrides `probe.interval` for this service. */
  interval: DurationSchema.optional(),
  /** Overrides `probe.timeout` for this service. */
  timeout: DurationSchema.optional(),
  /** Models the service is expected to have loaded (optional). */
  models: z.array(z.string().min(1)).default([]),
  restart: RestartSchema.optional(),
  /** Benchmarks for this service; off unless set. */
  benchmark: z
    .object({
      enabled: z.boolean().default(true),
      prompt: z.string().default("Write one sentence about the sea."),
      maxTokens: z.number().int().min(1).max(4096).default(64),
    })
    .optional(),
};
