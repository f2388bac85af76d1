import type { Db } from "../../store/open-store.ts";
import { INITIAL_STATE, type IncidentState } from "./transition.ts";

/** A condition's persisted record: its state machine and the incident it has open. */
export interface ConditionRecord {
  state: IncidentState;
  incidentId: string | null;
}

/**
 * The incident state machines in the local store (monitor_conditions), cached in memory. A row is written only
 * when its state changed, so a steady service costs no writes.
 */
export class ConditionStore {
  private readonly cache = new Map<string, { record: ConditionRecord; json: string }>();
  private readonly select;
  private readonly upsert;
  private readonly openRows;

  constructor(db: Db) {
    this.select = db.prepare(`SELECT state, incident_id AS incidentId FROM monitor_conditions WHERE key = ?`);
    this.upsert = db.prepare(
      `INSERT INTO monitor_conditions (key, service, kind, state, incident_id, updated_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(key) DO UPDATE SET state = excluded.state, incident_id = excluded.incident_id, updated_at = excluded.updated_at`,
    );
    this.openRows = db.prepare(`SELECT key, state, incident_id AS incidentId FROM monitor_conditions WHERE incident_id IS NOT NULL`);
  }

  get(key: string): ConditionRecord {
    const hit = this.cache.get(key);
    if (hit) return hit.record;
    const row = this.select.get(key) as { state: string; incidentId: string | null } | undefined;
    const record: ConditionRecord = row ? { state: { ...INITIAL_STATE, ...safeParse(row.state) }, incidentId: row.incidentId } : { state: { ...INITIAL_STATE }, incidentId: null };
    this.cache.set(key, { record, json: row ? JSON.stringify(record) : "" });
    return record;
  }

  put(key: string, service: string, kind: string, record: ConditionRecord, at: number): void {
    const json = JSON.stringify(record);
    if (this.cache.get(key)?.json === json) return;
    this.upsert.run(key, service, kind, JSON.stringify(record.state), record.incidentId, at);
    this.cache.set(key, { record, json });
  }

  /** Keys of conditions with an incident open (for /metrics and start-up logs). */
  open(): { key: string; incidentId: string }[] {
    return (this.openRows.all() as { key: string; incidentId: string }[]).map((r) => ({ key: r.key, incidentId: r.incidentId }));
  }
}

function safeParse(text: string): Partial<IncidentState> {
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === "object" ? (v as Partial<IncidentState>) : {};
  } catch {
    return {};
  }
}
