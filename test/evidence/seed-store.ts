import { join } from "node:path";
import { openStore, type Db } from "../../src/store/open-store.ts";
import { tempDir } from "../helpers/temp-dir.ts";

/** A real store file in a temp dir, with helpers that insert rows the way probes, router and monitor do. */
export function seededStore(): { dir: string; close: () => void } & Seeder {
  const dir = tempDir("ai-tracker-evidence-");
  const db = openStore(join(dir.path, "tracker.sqlite"));
  return {
    dir: dir.path,
    ...seeder(db),
    close: () => {
      db.close();
      dir.remove();
    },
  };
}

export interface ObservationRow {
  service: string;
  at: number;
  status?: string;
  kind?: string;
  latencyMs?: number | null;
  modelsLoaded?: string[] | string;
  metrics?: Record<string, number> | string;
}

export interface RunRow {
  type: "chat" | "voice" | "vision";
  at: number;
  outcome?: "ok" | "error" | "rejected" | "cancelled";
  overheadMs?: number | null;
  totalMs?: number | null;
  audioSeconds?: number | null;
}

export interface Seeder {
  db: Db;
  observation(o: ObservationRow): void;
  /** One observation of `service` every `everyMs` from `from` up to `to` (inclusive), status from `status(at)`. */
  observations(service: string, from: number, to: number, everyMs: number, fill?: (at: number, i: number) => Partial<ObservationRow>): void;
  run(r: RunRow): void;
  benchmark(b: { service: string; metric: string; value: number; at: number; model?: string; unit?: string }): void;
  alert(a: { kind: string; delivered: boolean; at: number; service?: string; channel?: string }): void;
}

export function seeder(db: Db): Seeder {
  const obs = db.prepare(
    "INSERT INTO observations (service, kind, status, latency_ms, models_loaded, metrics, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
  );
  const run = db.prepare("INSERT INTO runs (type, outcome, overhead_ms, total_ms, audio_seconds, at) VALUES (?, ?, ?, ?, ?, ?)");
  const bench = db.prepare("INSERT INTO benchmarks (run_id, service, model, metric, value, unit, at) VALUES (?, ?, ?, ?, ?, ?, ?)");
  const alert = db.prepare("INSERT INTO alerts (kind, service, channel, delivered, at) VALUES (?, ?, ?, ?, ?)");
  let benchId = 0;
  const observation = (o: ObservationRow): void => {
    obs.run(
      o.service,
      o.kind ?? "ollama",
      o.status ?? "up",
      o.latencyMs === undefined ? 10 : o.latencyMs,
      typeof o.modelsLoaded === "string" ? o.modelsLoaded : JSON.stringify(o.modelsLoaded ?? []),
      typeof o.metrics === "string" ? o.metrics : JSON.stringify(o.metrics ?? {}),
      o.at,
    );
  };
  return {
    db,
    observation,
    observations: (service, from, to, everyMs, fill) => {
      db.transaction(() => {
        let i = 0;
        for (let at = from; at <= to; at += everyMs) observation({ service, at, ...fill?.(at, i++) });
      })();
    },
    run: (r) => run.run(r.type, r.outcome ?? "ok", r.overheadMs ?? null, r.totalMs ?? null, r.audioSeconds ?? null, r.at),
    benchmark: (b) => bench.run(`run-${++benchId}`, b.service, b.model ?? null, b.metric, b.value, b.unit ?? "", b.at),
    alert: (a) => alert.run(a.kind, a.service ?? null, a.channel ?? "log", a.delivered ? 1 : 0, a.at),
  };
}
