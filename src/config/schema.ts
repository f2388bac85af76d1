import { z } from "zod";
import { EvidenceConfigSchema } from "../evidence/evidence-config.ts";
import {
  AlertsConfigSchema,
  BenchmarksConfigSchema,
  HealthConfigSchema,
  IncidentsConfigSchema,
  ProbeConfigSchema,
  ReportsConfigSchema,
} from "../monitor/monitor-config.ts";
import { PROBE_KINDS } from "../probes/registry.ts";
import { PipelinesConfigSchema, RouterConfigSchema } from "../router/router-config.ts";
import { WorkspaceConfigSchema } from "../workspace/workspace-config.ts";

/** A service entry of any kind. */
export type ServiceConfig = z.infer<(typeof PROBE_KINDS)[number]["schema"]>;

/** One service entry: the union of every probe kind's own schema, chosen by `kind`. */
export const ServiceSchema: z.ZodType<ServiceConfig> = z.discriminatedUnion(
  "kind",
  PROBE_KINDS.map((k) => k.schema) as unknown as [z.ZodObject<any>, ...z.ZodObject<any>[]],
  { error: (issue) => (issue.code === "invalid_union" ? `unknown service kind; known kinds: ${PROBE_KINDS.map((k) => k.kind).join(", ")}` : undefined) },
) as unknown as z.ZodType<ServiceConfig>;

export const HttpConfigSchema = z.object({
  /** host:port of the router, pipelines, board, /metrics and /healthz. */
  listen: z.string().regex(/^[^\s:]+:\d{1,5}$/, "host:port, e.g. 127.0.0.1:4000").default("127.0.0.1:4000"),
  /** Bearer key; required when `listen` is not a loopback address. */
  apiKey: z.string().min(16, "at least 16 characters").optional(),
});

export const LogConfigSchema = z.object({
  level: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  pretty: z.boolean().default(false),
});

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\]|::1)$/;

export function isLoopback(host: string): boolean {
  return LOOPBACK.test(host);
}

/** Duplicate names, found on the raw entries so they are reported even when another field is wrong. */
export function duplicateServiceNames(services: unknown): { path: (string | number)[]; message: string }[] {
  if (!Array.isArray(services)) return [];
  const seen = new Map<string, number>();
  const out: { path: (string | number)[]; message: string }[] = [];
  services.forEach((s, i) => {
    const name = (s as { name?: unknown } | null)?.name;
    if (typeof name !== "string") return;
    const first = seen.get(name);
    if (first === undefined) seen.set(name, i);
    else out.push({ path: ["services", i, "name"], message: `duplicate service name "${name}" (also services.${first}.name)` });
  });
  return out;
}

export const ConfigSchema = z
  .object({
    dataDir: z.string().min(1).default("./data"),
    log: LogConfigSchema.prefault({}),
    workspace: WorkspaceConfigSchema.prefault({ kind: "local" }),
    http: HttpConfigSchema.prefault({}),
    probe: ProbeConfigSchema.prefault({}),
    incidents: IncidentsConfigSchema.prefault({}),
    alerts: AlertsConfigSchema.prefault({}),
    health: HealthConfigSchema.prefault({}),
    benchmarks: BenchmarksConfigSchema.prefault({}),
    evidence: EvidenceConfigSchema.prefault({}),
    reports: ReportsConfigSchema.prefault({}),
    services: z.array(ServiceSchema).default([]),
    router: RouterConfigSchema.prefault({}),
    pipelines: PipelinesConfigSchema.prefault({}),
  })
  .superRefine((config, ctx) => {
    const byName = new Map(config.services.map((s) => [s.name, s] as const));
    config.router.backends?.forEach((b, i) => {
      if (!byName.has(b)) ctx.addIssue({ code: "custom", path: ["router", "backends", i], message: `no service named "${b}"` });
    });
    const backends = config.router.backends ?? config.services.map((s) => s.name);
    for (const tier of ["fast", "large"] as const) {
      config.router.tiers[tier].forEach((b, i) => {
        if (!backends.includes(b)) {
          ctx.addIssue({ code: "custom", path: ["router", "tiers", tier, i], message: `"${b}" is not one of router.backends` });
        }
      });
    }
    const [host] = config.http.listen.split(":");
    if (host && !isLoopback(host) && !config.http.apiKey) {
      ctx.addIssue({ code: "custom", path: ["http", "apiKey"], message: `required when http.listen is not a loopback address (${host})` });
    }
    if (config.workspace.kind === "local" && !isLoopback(config.workspace.host) && !config.workspace.token) {
      ctx.addIssue({ code: "custom", path: ["workspace", "token"], message: `required when workspace.host is not a loopback address` });
    }
  });

export type Config = z.infer<typeof ConfigSchema>;
