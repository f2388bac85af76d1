import type { Db } from "../store/open-store.ts";
import { BENCHMARKS, HEALTH } from "../workspace/databases.ts";
import type { RecordWriter } from "../workspace/record-writer.ts";
import { healthKey } from "./health-rollups.ts";
import type { ObservationStore } from "./observation-store.ts";

export interface PruneCounts {
  observations: number;
  rollups: number;
  /** Health rows (one per window) queued for deletion from the workspace. */
  healthRows: number;
  /** Benchmarks rows queued for deletion from the workspace. */
  benchmarkRows: number;
}

/**
 * Applies health.retention: observations and rollups leave the store, and the Health and Benchmarks rows written
 * from them leave the workspace (DESIGN section 3), so those grids stop growing. Incidents rows stay: they are the
 * history people read. The deletes are queued before the store forgets the keys, so a crash in between only
 * queues them again. The store keeps its benchmarks (criteria read them); a mark records how far their rows went.
 */
export class RetentionPruner {
  private readonly records: RecordWriter;
  private readonly observations: ObservationStore;
  private readonly windowMs: number;
  private readonly stmts;

  constructor(store: Db, observations: ObservationStore, records: RecordWriter, windowMs: number) {
    this.records = records;
    this.observations = observations;
    this.windowMs = windowMs;
    this.stmts = {
      rollups: store.prepare<[number], { service: string; windowStart: number }>(`SELECT service, window_start AS windowStart FROM health_rollups WHERE window_start < ?`),
      // A window's row is written on the first state change in it, before it closes: one never closed (the tracker
      // was stopped for longer than its catch-up) has a row but no rollup, and is found through its observations.
      unclosed: store.prepare<{ w: number; before: number }, { service: string; windowStart: number }>(
        `SELECT DISTINCT service, (at - at % @w) AS windowStart FROM observations WHERE at < @before`,
      ),
      mark: store.prepare<[], { upTo: number }>(`SELECT up_to AS upTo FROM monitor_pruned WHERE what = 'benchmarks'`),
      setMark: store.prepare(`INSERT INTO monitor_pruned (what, up_to) VALUES ('benchmarks', ?) ON CONFLICT(what) DO UPDATE SET up_to = excluded.up_to`),
      benchmarks: store.prepare<[number, number], { runId: string; metric: string }>(`SELECT run_id AS runId, metric FROM benchmarks WHERE at >= ? AND at < ?`),
    };
  }

  /** Prunes everything from before `before` (ms since the epoch). */
  prune(before: number): PruneCounts {
    const health = new Set<string>();
    for (const r of this.stmts.rollups.all(before)) health.add(healthKey(r.service, r.windowStart));
    for (const r of this.stmts.unclosed.all({ w: this.windowMs, before })) health.add(healthKey(r.service, r.windowStart));
    for (const key of health) this.records.delete(HEALTH.name, key);
    const from = this.stmts.mark.get()?.upTo ?? 0;
    let benchmarkRows = 0;
    if (before > from) {
      const runs = this.stmts.benchmarks.all(from, before);
      for (const b of runs) this.records.delete(BENCHMARKS.name, `${b.runId}|${b.metric}`);
      this.stmts.setMark.run(before);
      benchmarkRows = runs.length;
    }
    return { ...this.observations.prune(before), healthRows: health.size, benchmarkRows };
  }
}
