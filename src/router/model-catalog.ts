import type { LiveState } from "../monitor/live-state.ts";
import type { Logger } from "../shared/logger.ts";

/** Ollama's "llama3.2" is "llama3.2:latest"; MLX lists "mlx-community/X" where people write "X". */
export function modelKeys(name: string): string[] {
  const lower = name.toLowerCase();
  const base = lower.endsWith(":latest") ? lower.slice(0, -7) : lower;
  const slash = base.lastIndexOf("/");
  return slash >= 0 ? [base, base.slice(slash + 1)] : [base];
}

const NEVER = Number.NEGATIVE_INFINITY;

interface Entry {
  /** Names as the backend spells them. */
  names: string[];
  /** Lookup keys (see modelKeys) to the backend's spelling. */
  keys: Map<string, string>;
  /** Requested names already looked up: the backend's spelling, or null for "not listed". */
  resolved: Map<string, string | null>;
  /** When the list was last taken from the backend or the monitor, ms; -Infinity = never. */
  at: number;
  /** When the backend was last asked, ms, so a failing backend is not asked on every request. */
  askedAt: number;
  pending: Promise<void> | undefined;
}

export interface CatalogOptions {
  live: LiveState;
  now: () => number;
  refreshMs: number;
  logger: Logger;
  /** Asks the backend for its models; may throw. */
  fetchModels: (backend: string) => Promise<string[]>;
  /** Models each backend's config entry says it has. */
  configured: ReadonlyMap<string, readonly string[]>;
}

/**
 * The models each backend serves: what its config lists, what the monitor last saw, and what the backend said
 * when asked. A list is trusted for `refreshMs`, then refreshed in the background on the next look; the
 * backend is asked at most that often.
 */
export class ModelCatalog {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly o: CatalogOptions) {
    for (const [name, models] of o.configured) this.entries.set(name, entryOf([...models], NEVER));
  }

  /** The backend's spelling of `model`, or undefined when it does not list it. */
  resolve(backend: string, model: string): string | undefined {
    const e = this.fresh(backend);
    // Clients ask for the same few names over and over; remember the answer until the list changes.
    const known = e.resolved.get(model);
    if (known !== undefined) return known ?? undefined;
    let hit: string | undefined;
    for (const k of modelKeys(model)) {
      hit = e.keys.get(k);
      if (hit !== undefined) break;
    }
    if (e.resolved.size < 1000) e.resolved.set(model, hit ?? null);
    return hit;
  }

  /** Every model the backend is known to serve. */
  models(backend: string): readonly string[] {
    return this.fresh(backend).names;
  }

  /** Models the monitor saw loaded in memory, best first for `auto`. */
  loaded(backend: string): readonly string[] {
    return this.o.live.get(backend)?.result.models.loaded ?? [];
  }

  /** Whether the list was never taken from the backend or the monitor, or has gone stale. */
  isStale(backend: string): boolean {
    const e = this.entries.get(backend);
    return !e || this.o.now() - e.at >= this.o.refreshMs;
  }

  /** Whether a list was ever taken from the backend or the monitor (configured models alone do not count). */
  everRead(backend: string): boolean {
    return (this.entries.get(backend)?.at ?? NEVER) !== NEVER;
  }

  /** Asks the backend now (unless asked within refreshMs or already asking); resolves when done, never rejects. */
  refresh(backend: string, force = false): Promise<void> {
    const e = this.entry(backend);
    if (e.pending) return e.pending;
    const now = this.o.now();
    if (!force && now - e.askedAt < this.o.refreshMs) return Promise.resolve();
    e.askedAt = now;
    e.pending = this.o
      .fetchModels(backend)
      .then((names) => this.set(backend, names, this.o.now()))
      .catch((err: unknown) => this.o.logger.debug({ backend, err: err instanceof Error ? err.message : String(err) }, "model list not refreshed"))
      .finally(() => {
        this.entry(backend).pending = undefined;
      });
    return e.pending;
  }

  /** Forgets the list's freshness, e.g. after the backend said it does not have a model it listed. */
  invalidate(backend: string): void {
    const e = this.entries.get(backend);
    if (e) {
      e.at = NEVER;
      e.askedAt = NEVER;
    }
  }

  private fresh(backend: string): Entry {
    let e = this.entry(backend);
    const state = this.o.live.get(backend);
    if (state && state.at > e.at) {
      const seen = [...state.result.models.available, ...state.result.models.loaded];
      if (seen.length > 0) {
        this.set(backend, seen, state.at);
        e = this.entry(backend);
      }
    }
    if (this.o.now() - e.at >= this.o.refreshMs && !e.pending) void this.refresh(backend);
    return e;
  }

  private set(backend: string, names: string[], at: number): void {
    const configured = this.o.configured.get(backend) ?? [];
    const next = entryOf([...new Set([...names, ...configured])], at);
    const prev = this.entries.get(backend);
    next.askedAt = prev?.askedAt ?? NEVER;
    next.pending = prev?.pending;
    this.entries.set(backend, next);
  }

  private entry(backend: string): Entry {
    let e = this.entries.get(backend);
    if (!e) this.entries.set(backend, (e = entryOf([], NEVER)));
    return e;
  }
}

function entryOf(names: string[], at: number): Entry {
  const keys = new Map<string, string>();
  for (const n of names) for (const k of modelKeys(n)) if (!keys.has(k)) keys.set(k, n);
  return { names, keys, resolved: new Map(), at, askedAt: NEVER, pending: undefined };
}
