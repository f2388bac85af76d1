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
