import { validate as validateCron } from "node-cron";
import { z } from "zod";
import { DurationSchema, HttpUrlSchema } from "../probes/service-base.ts";

/** A node-cron expression (5 fields, or 6 with seconds first), checked when the config is read. */
export const CronSchema = z.string().refine((text) => validateCron(text), { error: 'a cron expression such as "0 * * * *" (minute hour day month weekday)' });

export const ProbeConfigSchema = z.object({
  interval: DurationSchema.default("30s"),
  timeout: DurationSchema.default("5s"),
  /** Probes in flight at once; a hung service holds one slot only until its own timeout. */
  concurrency: z.number().int().min(1).max(64).default(8),
});

export const IncidentsConfigSchema = z.object({
  openAfter: z.number().int().min(1).default(3),
  resolveAfter: z.number().int().min(1).default(2),
  remindEvery: DurationSchema.default("1h"),
});

export const WebhookSchema = z.object({
  url: HttpUrlSchema,
  format: z.enum(["json", "ntfy"]).default("json"),
  /** Extra headers, e.g. an ntfy access token; values are redacted in logs. */
  headers: z.record(z.string(), z.string()).default({}),
});

export const AlertsConfigSchema = z.object({
  webhooks: z.array(WebhookSchema).default([]),
  /** Failures within this window go out as one grouped alert. */
  groupWindow: DurationSchema.default("10s"),
  /** A p95 latency over baseline × factor is a performance alert. */
  degradationFactor: z.number().min(1).default(2),
  /** ...and only when it is also this many ms over the baseline, so 2 ms → 5 ms is not an alert. */
  degradationMinMs: z.number().min(0).default(50),
  /** A host resource must stay over its threshold this long (in checks in a row) before it opens an incident: CPU spikes are not exhaustion. */
  resourceSustain: DurationSchema.default("2m"),
  /** Closed health windows needed in the previous 24 h before a baseline is trusted. */
  baselineMinWindows: z.number().int().min(1).default(6),
  /** Time limit of one webhook request. */
  timeout: DurationSchema.default("10s"),
  /** Delivery attempts per webhook message, the first included. */
  attempts: z.number().int().min(1).max(20).default(6),
  /** Wait before the first retry; doubled on each further one. */
  retryBackoff: DurationSchema.default("5s"),
  /** Webhook messages waiting at once; past this the oldest is dropped (and recorded as not delivered). */
  queueSize: z.number().int().min(1).default(500),
});

export const HealthConfigSchema = z.object({
  /** Rollup window written to the Health database. */
  window: DurationSchema.default("5m"),
  /** How long observations and rollups are kept, and the Health and Benchmarks rows in the workspace. */
  retention: DurationSchema.default("30d"),
});

export const BenchmarksConfigSchema = z.object({
  /** Cron expression; hourly by default. */
  schedule: CronSchema.default("0 * * * *"),
  /** Benchmark the LLM services that have a url even without a `benchmark` block. */
  llmByDefault: z.boolean().default(true),
  /** Timed requests per service and run. */
  requests: z.number().int().min(1).max(50).default(3),
  /** Time limit of one benchmark request (a cold model may need to load). */
  timeout: DurationSchema.default("120s"),
});

export const ReportsConfigSchema = z.object({
  /** Cron for the scheduled incident report. */
  incidents: CronSchema.default("0 8 * * *"),
  window: DurationSchema.default("24h"),
});

export type ProbeConfig = z.infer<typeof ProbeConfigSchema>;
export type IncidentsConfig = z.infer<typeof IncidentsConfigSchema>;
export type Webhook = z.infer<typeof WebhookSchema>;
export type AlertsConfig = z.infer<typeof AlertsConfigSchema>;
export type HealthConfig = z.infer<typeof HealthConfigSchema>;
export type BenchmarksConfig = z.infer<typeof BenchmarksConfigSchema>;
export type ReportsConfig = z.infer<typeof ReportsConfigSchema>;
