import type { ServiceConfig } from "../config/schema.ts";
import type { ProbeResult } from "../probes/probe-kind.ts";
import type { Cells } from "../workspace/workspace.ts";
import { roundMs } from "./percentile.ts";

/** The Services row's cells for a service's latest probe (pure). */
export function serviceCells(service: ServiceConfig, result: ProbeResult, at: number, uptimePct: number | null): Cells {
  const url = (service as { url?: unknown }).url;
  return {
    Kind: service.kind,
    Endpoint: typeof url === "string" ? url : "",
    Status: result.status,
    Models: formatModels(result.models),
    Version: result.version ?? "",
    "Latency ms": roundMs(result.latencyMs),
    "Uptime 24h %": uptimePct === null ? null : Math.round(uptimePct * 100) / 100,
    "Last check": new Date(at).toISOString(),
  };
}

/** "llama3.2:latest (loaded; 19 available)", "none loaded; 19 available", or "". */
export function formatModels(models: ProbeResult["models"]): string {
  const loaded = models.loaded.join(", ");
  const available = models.available.length > 0 ? `${models.available.length} available` : "";
  if (loaded && available) return `${loaded} (loaded; ${available})`;
  if (loaded) return `${loaded} (loaded)`;
  return available ? `none loaded; ${available}` : "";
}
