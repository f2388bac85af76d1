/**
 * The local store's shared tables: written by probes, the monitor, the router and pipelines; read by the
 * evidence engine, reports and the board. Times are milliseconds since the epoch. A module with tables of its
 * own (the outbox, incident state) creates them itself with CREATE TABLE IF NOT EXISTS.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE observations (
    id INTEGER PRIMARY KEY,
    service TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,            -- up | cold | degraded | down | wrong-service
    latency_ms REAL,
    detail TEXT NOT NULL DEFAULT '',
    models_loaded TEXT NOT NULL DEFAULT '[]',     -- JSON array
    models_available TEXT NOT NULL DEFAULT '[]',  -- JSON array
    version TEXT,
    metrics TEXT NOT NULL DEFAULT '{}',           -- JSON object of numeric readings
    at INTEGER NOT NULL
  );
  CREATE INDEX observations_service_at ON observations(service, at);
  CREATE INDEX observations_at ON observations(at);

  CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    type TEXT NOT NULL,              -- chat | voice | vision
    api TEXT,                        -- openai | ollama | internal (CLI, pipeline LLM stage) | http (pipeline rows)
    backend TEXT,                    -- service that served (or last tried)
    tier TEXT,
    model TEXT,
    stream INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    outcome TEXT NOT NULL,           -- ok | error | rejected (4xx) | cancelled (client left)
    error TEXT,
    failed_stage TEXT,               -- pipelines: the stage that failed
    overhead_ms REAL,                -- time spent in the tracker itself
    upstream_ms REAL,                -- time spent waiting for backends
    ttfb_ms REAL,
    total_ms REAL,
    audio_seconds REAL,              -- voice: input audio length, for the real-time factor
    stages TEXT NOT NULL DEFAULT '{}', -- JSON: stage -> ms
    at INTEGER NOT NULL
  );
  CREATE INDEX runs_type_at ON runs(type, at);

  CREATE TABLE benchmarks (
    run_id TEXT NOT NULL,
    service TEXT NOT NULL,
    model TEXT,
    metric TEXT NOT NULL,            -- latency_p50_ms, latency_p95_ms, ttft_ms, tokens_per_s, load_time_ms, rtf
    value REAL NOT NULL,
    unit TEXT NOT NULL,
    conditions TEXT NOT NULL DEFAULT '',
    at INTEGER NOT NULL,
    PRIMARY KEY (run_id, metric)
  );
  CREATE INDEX benchmarks_service_metric_at ON benchmarks(service, metric, at);

  CREATE TABLE incidents (
    id TEXT PRIMARY KEY,
    service TEXT NOT NULL,           -- a service name, or requirement:<id> for a requirement that fell
    kind TEXT NOT NULL,              -- down | resource | performance | requirement
    severity TEXT NOT NULL,          -- critical | warning
    status TEXT NOT NULL,            -- open | resolved
    opened_at INTEGER NOT NULL,
    resolved_at INTEGER,
    summary TEXT NOT NULL DEFAULT '',
    requirements TEXT NOT NULL DEFAULT '[]',
    detail TEXT NOT NULL DEFAULT '{}' -- JSON: restarts, last error, reminders
  );
  CREATE INDEX incidents_status ON incidents(status, opened_at);

  CREATE TABLE alerts (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,              -- service_down | resource | performance | requirement | resolved | reminder
    service TEXT,
    incident_id TEXT,
    channel TEXT NOT NULL,           -- log | webhook:<url>
    delivered INTEGER NOT NULL,      -- 1 when the channel accepted it
    error TEXT,
    at INTEGER NOT NULL
  );
  CREATE INDEX alerts_kind_at ON alerts(kind, at);

  CREATE TABLE evidence (
    id INTEGER PRIMARY KEY,
    requirement TEXT NOT NULL,
    criterion TEXT NOT NULL,
    measured TEXT,
    threshold TEXT,
    result TEXT NOT NULL,            -- pass | fail | unverified
    source TEXT,
    at INTEGER NOT NULL
  );
  CREATE INDEX evidence_requirement_at ON evidence(requirement, at);

  CREATE TABLE requirement_status (
    requirement TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    since INTEGER NOT NULL,
    evaluated_at INTEGER NOT NULL
  );
  `,
];
