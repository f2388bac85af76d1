import { setImmediate as yieldToLoop } from "node:timers/promises";
import { isFailure, type ProbeStatus } from "../probes/probe-kind.ts";
import type { Db } from "../store/open-store.ts";
import type { SeriesBucket, SeriesResponse, ServiceSeries } from "./public/board-types.ts";

/** One observation as the plots need it. */
export interface ObservationPoint {
  service: string;
  status: string;
  latency_ms: number | null;
  at: number;
}

export interface SeriesRange {
  /** Start of the first bucket, inclusive. */
  from: number;
  /** End of the last bucket, exclusive. */
  to: number;
  bucketMs: number;
}

/** One service's checks in one bucket; `latencies` ascending. */
export interface BucketStats {
  checks: number;
  failures: number;
  latencies: number[];
}

/** Per service, the stats of one bucket. */
export type Bucket = Map<string, BucketStats>;

/**
 * The range of `buckets` equal buckets covering the last `hours` up to `now`. Boundaries are whole multiples of
 * the bucket length, so a refresh a minute later adds to the last bucket instead of shifting every bar.
 */
export function seriesRange(now: number, hours: number, buckets: number): SeriesRange {
  const bucketMs = Math.max(60_000, Math.round((hours * 3_600_000) / buckets / 60_000) * 60_000);
  const to = Math.floor(now / bucketMs) * bucketMs + bucketMs;
  return { from: to - buckets * bucketMs, to, bucketMs };
}

/** Folds observations (all of one bucket) into per-service stats. */
export function aggregateBucket(points: Iterable<ObservationPoint>): Bucket {
  const out: Bucket = new Map();
  for (const p of points) {
    let s = out.get(p.service);
    if (!s) out.set(p.service, (s = { checks: 0, failures: 0, latencies: [] }));
    s.checks += 1;
    if (isFailure(p.status as ProbeStatus)) s.failures += 1;
    else if (p.latency_ms !== null && Number.isFinite(p.latency_ms)) s.latencies.push(p.latency_ms);
  }
  for (const s of out.values()) s.latencies.sort((a, b) => a - b);
  return out;
}

/** The response for a range from its buckets in order; services listed but never observed get empty buckets. */
export function seriesFromBuckets(range: SeriesRange, buckets: readonly Bucket[], services: readonly string[] = []): SeriesResponse {
  const names = new Set(services);
  for (const b of buckets) for (const name of b.keys()) names.add(name);
  const out: ServiceSeries[] = [];
  for (const service of [...names].sort()) {
    let checks = 0;
    let failures = 0;
    const all: number[] = [];
    const points: SeriesBucket[] = buckets.map((b, i) => {
      const s = b.get(service);
      const t = range.from + i * range.bucketMs;
      if (!s) return { t, checks: 0, failures: 0, availability: null, p50: null, p95: null };
      checks += s.checks;
      failures += s.failures;
      for (const v of s.latencies) all.push(v);
      return {
        t,
        checks: s.checks,
        failures: s.failures,
        availability: s.checks > 0 ? 1 - s.failures / s.checks : null,
        p50: percentile(s.latencies, 0.5),
        p95: percentile(s.latencies, 0.95),
      };
    });
    all.sort((a, b) => a - b);
    out.push({ service, buckets: points, checks, availability: checks > 0 ? 1 - failures / checks : null, p95: percentile(all, 0.95) });
  }
  return { ...range, services: out };
}

/** Groups observations per service into the range's buckets (points outside the range are ignored). */
export function bucketSeries(points: Iterable<ObservationPoint>, range: SeriesRange, services: readonly string[] = []): SeriesResponse {
  const count = Math.round((range.to - range.from) / range.bucketMs);
  const perBucket: ObservationPoint[][] = Array.from({ length: count }, () => []);
  for (const p of points) {
    if (p.at < range.from || p.at >= range.to) continue;
    perBucket[Math.floor((p.at - range.from) / range.bucketMs)]!.push(p);
  }
  return seriesFromBuckets(range, perBucket.map(aggregateBucket), services);
}

/** Nearest-rank percentile of an ascending array; null when empty. */
export function percentile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1]!;
}

export interface SeriesReaderOptions {
  /** A bucket that ended longer ago than this is final and kept in memory (late writes land within a probe timeout). */
  settleMs?: number;
}

/** Most buckets kept in memory. */
const MAX_CACHED = 1000;

/**
 * Reads series from the local store one bucket at a time, yielding to the event loop between buckets, and keeps
 * finished buckets in memory: the board's refresh then reads only the current bucket. The same process serves the
 * router, whose overhead the requirements measure, so a day of observations must not be read in one blocking go.
 */
export class SeriesReader {
  private readonly db: Db;
  private readonly settleMs: number;
  private readonly cache = new Map<string, Bucket>();
  private readonly stmt;

  constructor(db: Db, options: SeriesReaderOptions = {}) {
    this.db = db;
    this.settleMs = options.settleMs ?? 120_000;
    this.stmt = this.db.prepare<[number, number], ObservationPoint>("SELECT service, status, latency_ms, at FROM observations WHERE at >= ? AND at < ?");
  }

  async read(range: SeriesRange, services: readonly string[], now: number): Promise<SeriesResponse> {
    const buckets: Bucket[] = [];
    for (let t = range.from; t < range.to; t += range.bucketMs) {
      const key = `${range.bucketMs}:${t}`;
      let bucket = this.cache.get(key);
      if (!bucket) {
        bucket = aggregateBucket(this.stmt.iterate(t, t + range.bucketMs));
        if (t + range.bucketMs + this.settleMs <= now) this.remember(key, bucket);
        await yieldToLoop();
      }
      buckets.push(bucket);
    }
    for (const key of [...this.cache.keys()]) {
      const [len, t] = key.split(":").map(Number);
      if (len === range.bucketMs && t! < range.from) this.cache.delete(key);
    }
    return seriesFromBuckets(range, buckets, services);
  }

  private remember(key: string, bucket: Bucket): void {
    // Map order is insertion order: the first keys are the oldest buckets read.
    while (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, bucket);
  }
}
