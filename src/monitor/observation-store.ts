import type { ServiceConfig } from "../config/schema.ts";
import { isFailure, type ProbeResult, type ProbeStatus } from "../probes/probe-kind.ts";
import type { Db } from "../store/open-store.ts";
import { FAILURE_STATUSES_SQL } from "../evidence/metrics/store-query.ts";
import { median, percentile } from "./percentile.ts";

/** One service's checks over one health window. */
export interface WindowStats {
  service: string;
  windowStart: number;
  windowMs: number;
  checks: number;
  failures: number;
  /** Percent of checks that were not failures (cold and degraded answer, so they count as available). */
  availability: number;
  p50Ms: number | null;
  p95Ms: number | null;
  worstStatus: ProbeStatus;
  worstDetail: string;
}

const SEVERITY: Record<ProbeStatus, number> = { up: 0, cold: 1, degraded: 2, "wrong-service": 3, down: 4 };

/** Observations and health rollups in the local store, with the statements prepared once. */
export class ObservationStore {
  private readonly db: Db;
  private readonly stmts;

  constructor(db: Db) {
    this.db = db;
    this.stmts = {
      insert: db.prepare(
        `INSERT INTO observations (service, kind, status, latency_ms, detail, models_loaded, models_available, version, metrics, at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      counts: db.prepare(
        `SELECT count(*) AS checks, coalesce(sum(status IN ${FAILURE_STATUSES_SQL}), 0) AS failures
         FROM observations WHERE service = ? AND at >= ? AND at < ?`,
      ),
      window: db.prepare(`SELECT status, latency_ms AS latencyMs, detail, at FROM observations WHERE service = ? AND at >= ? AND at < ? ORDER BY at`),
      pending: db.prepare(
        `SELECT o.service AS service, (o.at - o.at % @w) AS windowStart
         FROM observations o
         WHERE o.at >= @from AND o.at < @to
         GROUP BY o.service, windowStart
         HAVING NOT EXISTS (SELECT 1 FROM health_rollups r WHERE r.service = o.service AND r.window_start = (o.at - o.at % @w))
         ORDER BY windowStart`,
      ),
      saveRollup: db.prepare(
        `INSERT OR REPLACE INTO health_rollups (service, window_start, window_ms, checks, failures, availability, p50_ms, p95_ms, worst_status, worst_detail)
         VALUES (@service, @windowStart, @windowMs, @checks, @failures, @availability, @p50Ms, @p95Ms, @worstStatus, @worstDetail)`,
      ),
      baseline: db.prepare(`SELECT p95_ms AS p95 FROM health_rollups WHERE service = ? AND window_start >= ? AND window_start < ? AND p95_ms IS NOT NULL`),
      lastRollup: db.prepare(`SELECT max(window_start + window_ms) AS upTo FROM health_rollups`),
      pruneObservations: db.prepare(`DELETE FROM observations WHERE at < ?`),
      pruneRollups: db.prepare(`DELETE FROM health_rollups WHERE window_start < ?`),
    };
  }

  insert(service: ServiceConfig, result: ProbeResult, at: number): void {
    this.stmts.insert.run(
      service.name,
      service.kind,
      result.status,
      result.latencyMs,
      result.detail,
      JSON.stringify(result.models.loaded),
      JSON.stringify(result.models.available),
      result.version,
      JSON.stringify(result.metrics),
      at,
    );
  }

  /** Percent of checks in [from, to) that were not failures; null when there were none. */
  availability(service: string, from: number, to: number): number | null {
    const row = this.stmts.counts.get(service, from, to) as { checks: number; failures: number };
    return row.checks === 0 ? null : ((row.checks - row.failures) / row.checks) * 100;
  }

  /** The window's figures; null when the service had no checks in it. */
  windowStats(service: string, windowStart: number, windowMs: number): WindowStats | null {
    const rows = this.stmts.window.all(service, windowStart, windowStart + windowMs) as { status: ProbeStatus; latencyMs: number | null; detail: string }[];
    if (rows.length === 0) return null;
    const failures = rows.filter((r) => isFailure(r.status)).length;
    // Latency of the answers that counted: a timeout's "latency" is the timeout, not the service's speed.
    const latencies = rows.filter((r) => !isFailure(r.status) && r.latencyMs !== null).map((r) => r.latencyMs!);
    let worst = rows[0]!;
    for (const r of rows) if (SEVERITY[r.status] >= SEVERITY[worst.status]) worst = r;
    return {
      service,
      windowStart,
      windowMs,
      checks: rows.length,
      failures,
      availability: ((rows.length - failures) / rows.length) * 100,
      p50Ms: percentile(latencies, 50),
      p95Ms: percentile(latencies, 95),
      worstStatus: worst.status,
      worstDetail: worst.status === "up" ? "" : worst.detail,
    };
  }

  /** Windows in [from, to) with observations but no rollup yet, oldest first. */
  windowsToClose(from: number, to: number, windowMs: number): { service: string; windowStart: number }[] {
    return this.stmts.pending.all({ w: windowMs, from, to }) as { service: string; windowStart: number }[];
  }

  saveRollup(stats: WindowStats): void {
    this.stmts.saveRollup.run(stats);
  }

  /** The end of the newest closed window, or undefined before the first. */
  closedUpTo(): number | undefined {
    return (this.stmts.lastRollup.get() as { upTo: number | null }).upTo ?? undefined;
  }

  /** Median of the closed windows' p95 latencies in [from, to), and how many windows it stands on. */
  baselineP95(service: string, from: number, to: number): { median: number | null; windows: number } {
    const values = (this.stmts.baseline.all(service, from, to) as { p95: number }[]).map((r) => r.p95);
    return { median: median(values), windows: values.length };
  }

  /** Deletes observations and rollups older than `before`; returns how many rows went. */
  prune(before: number): { observations: number; rollups: number } {
    return this.db.transaction(() => ({
      observations: this.stmts.pruneObservations.run(before).changes,
      rollups: this.stmts.pruneRollups.run(before).changes,
    }))();
  }
}
