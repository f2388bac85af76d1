import type { Statement } from "better-sqlite3";
import type { Logger } from "../shared/logger.ts";
import type { Db } from "../store/open-store.ts";

/**
 * ok: answered; error: the tracker or a backend failed; rejected: the request itself was wrong (4xx);
 * cancelled: the client left first. Availability is ok / (ok + error).
 */
export type RunOutcome = "ok" | "error" | "rejected" | "cancelled";

/** One row of the `runs` table (src/store/schema.ts). Times in ms. */
export interface RunRow {
  type: "chat" | "voice" | "vision";
  /** openai | ollama | internal (the CLI and the pipelines). */
  api: string | null;
  backend: string | null;
  tier: string | null;
  model: string | null;
  stream: boolean;
  attempts: number;
  outcome: RunOutcome;
  error: string | null;
  failedStage: string | null;
  /** Time spent in the tracker itself: total minus upstream. */
  overheadMs: number | null;
  upstreamMs: number | null;
  ttfbMs: number | null;
  totalMs: number | null;
  audioSeconds: number | null;
  stages: Record<string, number> | null;
  /** ms since the epoch. */
  at: number;
}

const COLUMNS = `(type, api, backend, tier, model, stream, attempts, outcome, error, failed_stage,
  overhead_ms, upstream_ms, ttfb_ms, total_ms, audio_seconds, stages, at)`;
const ROW = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
/** Rows per multi-row INSERT: one statement run per 50 rows instead of 50 runs. */
const BATCH = 50;

/**
 * Buffers run rows and writes them in one transaction every `flushMs` (or once `maxBuffered` pile up), so
 * recording costs the request path an array push rather than a synchronous SQLite write.
 */
export class RunRecorder {
  private buffer: RunRow[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly insertOne: Statement;
  private readonly insertBatch: Statement;
  private readonly writeAll: (rows: RunRow[]) => void;
  private readonly log: Logger;

  constructor(
    db: Db,
    logger: Logger,
    private readonly flushMs = 100,
    private readonly maxBuffered = 2000,
  ) {
    this.log = logger;
    this.insertOne = db.prepare(`INSERT INTO runs ${COLUMNS} VALUES ${ROW}`);
    this.insertBatch = db.prepare(`INSERT INTO runs ${COLUMNS} VALUES ${Array(BATCH).fill(ROW).join(", ")}`);
    this.writeAll = db.transaction((rows: RunRow[]) => {
      let i = 0;
      for (; i + BATCH <= rows.length; i += BATCH) {
        const values: unknown[] = [];
        for (let j = i; j < i + BATCH; j++) pushValues(values, rows[j]!);
        this.insertBatch.run(values);
      }
      for (; i < rows.length; i++) {
        const values: unknown[] = [];
        pushValues(values, rows[i]!);
        this.insertOne.run(values);
      }
    });
  }

  record(row: RunRow): void {
    this.buffer.push(row);
    if (this.buffer.length >= this.maxBuffered) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(flushRecorder, this.flushMs, this);
      this.timer.unref();
    }
  }

  /** Writes everything buffered now. A failed write is logged and the rows dropped: evidence must not stop routing. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.buffer.length === 0) return;
    const rows = this.buffer;
    this.buffer = [];
    try {
      this.writeAll(rows);
    } catch (err) {
      this.log.error({ err, rows: rows.length }, "run records not written");
    }
  }
}

function flushRecorder(r: RunRecorder): void {
  r.flush();
}

function pushValues(out: unknown[], r: RunRow): void {
  out.push(
    r.type, r.api, r.backend, r.tier, r.model, r.stream ? 1 : 0, r.attempts, r.outcome, r.error, r.failedStage,
    round(r.overheadMs), round(r.upstreamMs), round(r.ttfbMs), round(r.totalMs), r.audioSeconds,
    r.stages ? JSON.stringify(r.stages) : "{}", r.at,
  );
}

function round(v: number | null): number | null {
  return v === null ? null : Math.round(v * 1000) / 1000;
}
