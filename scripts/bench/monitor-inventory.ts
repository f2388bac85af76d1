import { writeFileSync } from "node:fs";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { referenceConfigText } from "../../src/config/load-config.ts";
import type { Inventory } from "../simulators/run-inventory.ts";

export interface InventoryConfigOptions {
  dataDir: string;
  /** probe.interval, e.g. "5s" for the demo, "30s" for the soak. */
  interval: string;
  openAfter: number;
  resolveAfter: number;
  /** health.window; short in the demo so the Health grid fills while you watch. */
  healthWindow?: string;
  /** benchmarks.schedule (cron). */
  benchmarks?: string;
  /** reports.incidents (cron). */
  reports?: string;
  /** The tracker's HTTP port (0: any free one). */
  httpPort?: number;
  workspacePort?: number;
  /** A process the `process` service (DSPy in the reference) should find; the demo passes its own script name. */
  processMatch?: string;
  logLevel?: string;
}

/**
 * The reference config with every simulated service pointed at its simulator (the demo and the soak bench),
 * as a plain object ready for ConfigSchema or YAML. Services without HTTP (process, host) stay as they are.
 */
export function inventoryConfig(inventory: Inventory, o: InventoryConfigOptions): Record<string, unknown> {
  const reference = parseYaml(referenceConfigText()) as { services: Record<string, unknown>[] } & Record<string, unknown>;
  const urls = new Map(inventory.services.map((s) => [s.name, s.url]));
  const services = reference.services.map((s) => {
    const name = String(s.name);
    const out: Record<string, unknown> = { ...s };
    if (urls.has(name)) out.url = urls.get(name);
    if (s.kind === "process" && o.processMatch) out.match = o.processMatch;
    // Speech benchmarks are opt-in; the demo and the soak want the real-time factor too.
    if (s.kind === "whisper") out.benchmark = {};
    return out;
  });
  return {
    ...reference,
    dataDir: o.dataDir,
    log: { level: o.logLevel ?? "info", pretty: false },
    workspace: { kind: "local", port: o.workspacePort ?? 0, host: "127.0.0.1" },
    http: { listen: `127.0.0.1:${o.httpPort ?? 0}` },
    probe: { interval: o.interval, timeout: "3s" },
    incidents: { openAfter: o.openAfter, resolveAfter: o.resolveAfter, remindEvery: "1h" },
    health: { window: o.healthWindow ?? "5m", retention: "30d" },
    benchmarks: { schedule: o.benchmarks ?? "0 * * * *" },
    reports: { incidents: o.reports ?? "0 8 * * *", window: "24h" },
    services,
  };
}

export function writeConfig(path: string, config: Record<string, unknown>, header: string): void {
  writeFileSync(path, `${header.split("\n").map((l) => `# ${l}`.trimEnd()).join("\n")}\n${stringifyYaml(config)}`);
}
