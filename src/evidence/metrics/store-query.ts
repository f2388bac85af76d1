import type { Statement } from "better-sqlite3";
import { PROBE_STATUSES, isFailure } from "../../probes/probe-kind.ts";
import type { Db } from "../../store/open-store.ts";
import { formatDuration } from "../../shared/duration.ts";

const cache = new WeakMap<Db, Map<string, Statement>>();

/**
 * A prepared statement, kept per database: an evaluation pass runs the same few queries hundreds of times.
 * `raw` returns rows as arrays, `pluck` the first column; the mode is part of the cache key because
 * better-sqlite3 sets it on the statement itself.
 */
export function prepared(db: Db, sql: string, mode: "rows" | "raw" | "pluck" = "rows"): Statement {
  let byDb = cache.get(db);
  if (!byDb) {
    byDb = new Map();
    cache.set(db, byDb);
  }
  const key = `${mode}\u0000${sql}`;
  let stmt = byDb.get(key);
  if (!stmt) {
    stmt = db.prepare(sql);
    if (mode === "raw") stmt.raw();
    if (mode === "pluck") stmt.pluck();
    byDb.set(key, stmt);
  }
  return stmt;
}

/** The probe statuses that count as a failure, as an SQL list: `('down','wrong-service')`. */
export const FAILURE_STATUSES_SQL = `(${PROBE_STATUSES.filter(isFailure)
  .map((s) => `'${s}'`)
  .join(",")})`;

/**
 * The first column of every row as a Float64Array. Iterating a plucked statement into a typed array is several
 * times faster than `.all()` with row objects or arrays: a 7-day window of router runs is 600k rows.
 */
export function numbers(db: Db, sql: string, ...params: unknown[]): Float64Array {
  let out = new Float64Array(1024);
  let n = 0;
  for (const v of prepared(db, sql, "pluck").iterate(...params) as Iterable<number>) {
    if (n === out.length) {
      const bigger = new Float64Array(out.length * 2);
      bigger.set(out);
      out = bigger;
    }
    out[n++] = v;
  }
  return out.subarray(0, n);
}

/** How much of a window is read in one go: a slice of router runs at 1 req/s is ~20k rows, a few ms. */
export const SLICE_MS = 6 * 3_600_000;

export const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * The window [since, until] (both inclusive, integer ms) in consecutive slices, with a turn of the event loop
 * between them: better-sqlite3 is synchronous, and a 7-day window read at once would hold up every request the
 * router is serving for hundreds of ms. `align` makes slice edges multiples of it, so buckets stay whole.
 */
export async function* slices(since: number, until: number, sliceMs = SLICE_MS, align = 1): AsyncGenerator<[number, number]> {
  const step = Math.max(align, Math.floor(sliceMs / align) * align);
  let lo = since;
  while (lo <= until) {
    const edge = (Math.floor(lo / align) + 1) * align + step - align;
    const hi = Math.min(until, Math.max(lo, edge - 1));
    yield [lo, hi];
    if (hi >= until) return;
    lo = hi + 1;
    await yieldToLoop();
  }
}

/** Concatenates typed arrays. */
export function concat(parts: readonly Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** Nearest-rank percentile (p in 0–100) of the values; sorts them in place. */
export function percentile(values: Float64Array, p: number): number {
  values.sort();
  const rank = Math.ceil((p / 100) * values.length);
  return values[Math.min(values.length - 1, Math.max(0, rank - 1))]!;
}

/** "in 1h", for no-data reasons. */
export function windowText(since: number, until: number): string {
  return `in ${formatDuration(until - since)}`;
}

/** Reads a JSON column written by another module without trusting it. */
export function parseJson(text: unknown): unknown {
  if (typeof text !== "string") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The names of the configured services, in config order. */
export function serviceNames(config: { services: readonly { name: string }[] }): string[] {
  return config.services.map((s) => s.name);
}
