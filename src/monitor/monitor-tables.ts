import type { Db } from "../store/open-store.ts";

/**
 * The monitor's own tables, next to the shared ones: closed health windows (the evidence engine and the
 * performance baseline read them), how far workspace rows have been pruned, and the incident state machines, so a
 * restart resumes where it stopped.
 */
export function ensureMonitorTables(db: Db): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS health_rollups (
      service TEXT NOT NULL,
      window_start INTEGER NOT NULL,
      window_ms INTEGER NOT NULL,
      checks INTEGER NOT NULL,
      failures INTEGER NOT NULL,
      availability REAL NOT NULL,       -- percent of checks that were not failures
      p50_ms REAL,
      p95_ms REAL,
      worst_status TEXT NOT NULL,
      worst_detail TEXT NOT NULL DEFAULT '',
      PRIMARY KEY (service, window_start)
    );
    CREATE INDEX IF NOT EXISTS health_rollups_window_start ON health_rollups(window_start);

    CREATE TABLE IF NOT EXISTS monitor_pruned (
      what TEXT PRIMARY KEY,            -- benchmarks: workspace rows of the store's benchmarks deleted up to up_to
      up_to INTEGER NOT NULL
    );

    CREATE TABLE IF NOT EXISTS monitor_conditions (
      key TEXT PRIMARY KEY,             -- service|kind[|aspect]
      service TEXT NOT NULL,
      kind TEXT NOT NULL,               -- down | resource | performance | restart
      state TEXT NOT NULL,              -- JSON: the condition's state (IncidentState, restart attempts)
      incident_id TEXT,                 -- the open incident, if any
      updated_at INTEGER NOT NULL
    );
  `);
}
