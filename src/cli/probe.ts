import type { Config, ServiceConfig } from "../config/schema.ts";
import { loadConfig } from "../config/load-config.ts";
import type { ProbeStatus } from "../probes/probe-kind.ts";
import { runProbe } from "../probes/run-probe.ts";
import { parseDuration } from "../shared/duration.ts";
import { TrackerError } from "../shared/errors.ts";
import { silentLogger, type Logger } from "../shared/logger.ts";
import type { Command } from "./command.ts";
import { CONFIG_OPTION, formatTable, parseCommandArgs, writeLine } from "./parse-args.ts";

/** One line of `ai-tracker probe --json`; the shape is public (DESIGN.md section 7): extend it, never rename. */
export interface ServiceProbeReport {
  name: string;
  kind: string;
  url: string | null;
  status: ProbeStatus;
  latencyMs: number | null;
  models: { loaded: string[]; available: string[] };
  version: string | null;
  detail: string;
}

export interface ProbeCommandDeps {
  fetch: typeof fetch;
  now: () => number;
  logger: Logger;
}

/**
 * Probes the services once, all in parallel, each under its own timeout (`probe.timeout`, or the service's
 * `timeout`), so a hung service costs the cycle at most one timeout and never delays the others.
 */
export async function probeServices(config: Config, services: readonly ServiceConfig[], deps: ProbeCommandDeps): Promise<ServiceProbeReport[]> {
  const defaultTimeoutMs = parseDuration(config.probe.timeout) ?? 5000;
  return Promise.all(
    services.map(async (service) => {
      const r = await runProbe(service, { fetch: deps.fetch, logger: deps.logger, now: deps.now, defaultTimeoutMs });
      return {
        name: service.name,
        kind: service.kind,
        url: "url" in service && typeof service.url === "string" ? service.url : null,
        status: r.status,
        latencyMs: r.latencyMs === null ? null : Math.round(r.latencyMs),
        models: r.models,
        version: r.version,
        detail: r.detail,
      };
    }),
  );
}

/** The services named by `--service`, in config order; an unknown name is a usage error. */
export function selectServices(services: readonly ServiceConfig[], names: readonly string[] | undefined): ServiceConfig[] {
  if (!names || names.length === 0) return [...services];
  const known = new Set(services.map((s) => s.name));
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length > 0) {
    const list = services.map((s) => s.name).join(", ") || "none configured";
    throw new TrackerError("USAGE", `no service named ${unknown.map((n) => `"${n}"`).join(", ")}; configured: ${list}`, { exitCode: 2 });
  }
  return services.filter((s) => names.includes(s.name));
}

export function formatProbeTable(reports: readonly ServiceProbeReport[]): string {
  const rows = reports.map((r) => [
    r.name,
    r.kind,
    r.status,
    r.latencyMs === null ? "-" : `${r.latencyMs} ms`,
    modelsCell(r.models),
    r.version ?? "-",
    r.detail,
  ]);
  return formatTable(["SERVICE", "KIND", "STATUS", "LATENCY", "MODELS", "VERSION", "DETAIL"], rows);
}

/** "2/19 llama3.2:latest, qwen2.5:7b": loaded of available, then the loaded names. */
function modelsCell(m: ServiceProbeReport["models"]): string {
  if (m.loaded.length === 0 && m.available.length === 0) return "-";
  const names = m.loaded.length > 2 ? `${m.loaded.slice(0, 2).join(", ")}, …` : m.loaded.join(", ");
  return `${m.loaded.length}/${m.available.length}${names ? ` ${names}` : ""}`;
}

/** `ai-tracker probe`, wired to the real network and clock. */
export const probeCommand: Command = {
  name: "probe",
  summary: "probe [--json] [--service NAME ...]   probe every configured service once and print what answered",
  async run(ctx) {
    const { values } = parseCommandArgs(ctx.argv, { ...CONFIG_OPTION, json: { type: "boolean" }, service: { type: "string", multiple: true, short: "s" } });
    const { config } = loadConfig(values.config, ctx.env);
    const services = selectServices(config.services, values.service);
    const reports = await probeServices(config, services, {
      fetch: globalThis.fetch,
      now: Date.now,
      logger: silentLogger(),
    });
    if (values.json) writeLine(ctx.stdout, JSON.stringify({ services: reports }, null, 2));
    else writeLine(ctx.stdout, reports.length ? formatProbeTable(reports) : "no services configured");
    return reports.every((r) => r.status === "up") ? 0 : 1;
  },
};
