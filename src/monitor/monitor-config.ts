import { z } from "zod";
import { DurationSchema, HttpUrlSchema } from "../probes/service-base.ts";

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
});

export const HealthConfigSchema = z.object({
  /** Rollup window written to the Health database. */
  window: DurationSchema.default("5m"),
  /** How long observations and rollups are kept. */
  retention: DurationSchema.default("30d"),
});

export const BenchmarksConfigSchema = z.object({
  /** Cron expression; hourly by default. */
  schedule: z.string().default("0 * * * *"),
});

export const ReportsConfigSchema = z.object({
  /** Cron for the scheduled incident report. */
  incidents: z.string().default("0 8 * * *"),
  window: DurationSchema.default("24h"),
});
