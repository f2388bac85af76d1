import { errorMessage } from "../../shared/errors.ts";
import type { Logger } from "../../shared/logger.ts";
import { REQUIREMENTS } from "../../workspace/databases.ts";
import type { Workspace } from "../../workspace/workspace.ts";

/** Splits a Services cell ("mlx, ollama; lmstudio") into names. */
export function serviceNames(cell: unknown): string[] {
  if (Array.isArray(cell)) return cell.map(String).map((s) => s.trim()).filter(Boolean);
  if (typeof cell !== "string") return [];
  return cell
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * Which requirements name a service in their Services cell, read from the workspace (the team may have edited
 * it) and cached briefly, so ten incidents opening together read the database once.
 */
export class RequirementIndex {
  private readonly workspace: Workspace;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly ttlMs: number;
  private cached: { at: number; byService: Map<string, string[]> } | undefined;
  private loading: Promise<Map<string, string[]>> | undefined;

  constructor(workspace: Workspace, logger: Logger, now: () => number, ttlMs = 60_000) {
    this.workspace = workspace;
    this.log = logger.child({ module: "incidents" });
    this.now = now;
    this.ttlMs = ttlMs;
  }

  /**
   * Requirement ids affected by the service, sorted; empty when the workspace cannot be read in time (a slow
   * workspace must not hold up the incident, which is recorded either way).
   */
  async forService(service: string, timeoutMs = 5000): Promise<string[]> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), timeoutMs)));
    try {
      const map = await Promise.race([this.load(), late]);
      if (!map) this.log.warn({ service, timeoutMs }, "requirements not read in time; the incident lists none");
      return map?.get(service) ?? [];
    } finally {
      clearTimeout(timer);
    }
  }

  private async load(): Promise<Map<string, string[]>> {
    if (this.cached && this.now() - this.cached.at < this.ttlMs) return this.cached.byService;
    this.loading ??= this.read().finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async read(): Promise<Map<string, string[]>> {
    const byService = new Map<string, string[]>();
    try {
      for (const row of await this.workspace.readRows(REQUIREMENTS.name)) {
        for (const name of serviceNames(row.cells.Services)) {
          const list = byService.get(name) ?? [];
          if (!list.includes(row.key)) list.push(row.key);
          byService.set(name, list);
        }
      }
      for (const list of byService.values()) list.sort();
    } catch (err) {
      this.log.warn({ err: errorMessage(err) }, "requirements not read; incidents will list none");
    }
    this.cached = { at: this.now(), byService };
    return byService;
  }
}
