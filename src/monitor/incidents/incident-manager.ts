import { formatDuration } from "../../shared/duration.ts";
import { errorMessage } from "../../shared/errors.ts";
import type { Logger } from "../../shared/logger.ts";
import type { Db } from "../../store/open-store.ts";
import { INCIDENTS } from "../../workspace/databases.ts";
import type { RecordWriter } from "../../workspace/record-writer.ts";
import type { Alert, AlertKind, IncidentKind, Severity } from "../alerts/alert.ts";
import type { RestartRecord } from "../restart/restart-record.ts";
import type { ConditionStore } from "./condition-store.ts";
import type { RequirementIndex } from "./requirement-index.ts";
import { INITIAL_STATE, transition, type IncidentEffect, type IncidentEvent, type IncidentState, type TransitionConfig } from "./transition.ts";
import { parseJsonList } from "../../store/parse-json-list.ts";

/** What can go wrong with a service: it is down, one of its resources is exhausted, or it became slow. */
export interface ConditionRef {
  service: string;
  /** Requirement incidents are the evidence engine's, never a condition of a service. */
  kind: ServiceIncidentKind;
  /** Tells conditions of one kind apart, e.g. `memory` and `disk` for resource. */
  aspect?: string;
}

/** The reading behind one event, for the incident's summary and the alert. */
export interface ConditionInfo {
  summary: string;
  detail: string;
  severity: Severity;
}

/** incidents.detail, as JSON. */
export interface IncidentDetail {
  aspect: string | null;
  /** The summary before restart notes were added to it. */
  summary: string;
  lastDetail: string;
  reminders: number;
  restarts: RestartRecord[];
}

export interface IncidentManagerOptions {
  store: Db;
  records: RecordWriter;
  conditions: ConditionStore;
  requirements: RequirementIndex;
  /** Where open, remind and resolve alerts go. */
  alert(alert: Alert): void;
  logger: Logger;
  now: () => number;
}

type ServiceIncidentKind = Exclude<IncidentKind, "requirement">;

const OPEN_KIND: Record<ServiceIncidentKind, AlertKind> = { down: "service_down", resource: "resource", performance: "performance" };

export function conditionKey(ref: ConditionRef): string {
  return [ref.service, ref.kind, ...(ref.aspect ? [ref.aspect] : [])].join("|");
}

/** `ollama-down-20261125T103000Z`: readable, sortable, and unique per condition and second. */
export function incidentId(ref: ConditionRef, openedAt: number): string {
  const stamp = new Date(openedAt).toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  return [ref.service, ref.kind, ...(ref.aspect ? [ref.aspect] : []), stamp].join("-");
}

/**
 * Runs each condition's state machine and carries out its effects: the incident row in the store's `incidents`
 * table and the workspace's Incidents database, and the alert. State lives in the store (ConditionStore), so a
 * restart in the middle of an incident neither opens it again nor forgets to resolve it.
 */
export class IncidentManager {
  private readonly o: IncidentManagerOptions;
  private readonly log: Logger;
  private readonly stmts;
  /** Restarts run before the service's down incident opened; they go onto it when it does. */
  private readonly pendingRestarts = new Map<string, RestartRecord[]>();

  constructor(options: IncidentManagerOptions) {
    this.o = options;
    this.log = options.logger.child({ module: "incidents" });
    const db = options.store;
    this.stmts = {
      insert: db.prepare(
        `INSERT OR REPLACE INTO incidents (id, service, kind, severity, status, opened_at, resolved_at, summary, requirements, detail)
         VALUES (?, ?, ?, ?, 'open', ?, NULL, ?, ?, ?)`,
      ),
      get: db.prepare(`SELECT id, service, kind, severity, status, opened_at AS openedAt, resolved_at AS resolvedAt, summary, requirements, detail FROM incidents WHERE id = ?`),
      update: db.prepare(`UPDATE incidents SET status = ?, resolved_at = ?, summary = ?, detail = ? WHERE id = ?`),
    };
  }

  /** Feeds one event to the condition's state machine and carries out what it says. Never throws. */
  async observe(ref: ConditionRef, event: IncidentEvent, info: ConditionInfo, config: TransitionConfig): Promise<{ state: IncidentState; effects: IncidentEffect[] }> {
    const key = conditionKey(ref);
    const now = this.o.now();
    const before = this.o.conditions.get(key);
    const { state, effects } = transition(before.state, event, now, config);
    let incident = before.incidentId;
    try {
      for (const effect of effects) {
        if (effect === "open") incident = await this.open(ref, info, now);
        else if (effect === "remind" && incident) this.remind(incident, info, now);
        else if (effect === "resolve" && incident) {
          this.resolve(incident, info, now);
          incident = null;
        }
      }
    } catch (err) {
      this.log.error({ condition: key, effects, err: errorMessage(err) }, "incident effect failed");
    }
    this.o.conditions.put(key, ref.service, ref.kind, { state, incidentId: incident }, now);
    if (ref.kind === "down" && event === "success" && !state.triggered) this.pendingRestarts.delete(ref.service);
    return { state, effects };
  }

  /** The open incident of a condition, if any. */
  openIncident(ref: ConditionRef): string | null {
    return this.o.conditions.get(conditionKey(ref)).incidentId;
  }

  /** Puts a restart attempt on the service's open down incident, or keeps it for the incident about to open. */
  recordRestart(service: string, record: RestartRecord): void {
    const id = this.openIncident({ service, kind: "down" });
    if (!id) {
      this.pendingRestarts.set(service, [...(this.pendingRestarts.get(service) ?? []), record]);
      return;
    }
    const row = this.row(id);
    if (!row) return;
    const detail = { ...row.detail, restarts: [...row.detail.restarts, record] };
    const summary = withRestarts(detail);
    this.stmts.update.run(row.status, row.resolvedAt, summary, JSON.stringify(detail), id);
    this.o.records.upsert(INCIDENTS.name, id, { set: { Summary: summary } });
  }

  /** Resolves the open incidents of services no longer in the config, so they do not stay open forever. */
  async resolveOrphans(known: ReadonlySet<string>): Promise<void> {
    for (const { key, incidentId } of this.o.conditions.open()) {
      const [service, kind, aspect] = key.split("|");
      if (!service || known.has(service)) continue;
      const row = this.row(incidentId);
      if (row) this.resolve(incidentId, { summary: `${service} is no longer configured`, detail: "removed from the config", severity: row.severity }, this.o.now());
      this.o.conditions.put(key, service, kind ?? "down", { state: { ...INITIAL_STATE }, incidentId: null }, this.o.now());
      this.log.info({ service, incident: incidentId, aspect }, "incident of a removed service resolved");
    }
  }

  private async open(ref: ConditionRef, info: ConditionInfo, now: number): Promise<string> {
    const id = incidentId(ref, now);
    const requirements = await this.o.requirements.forService(ref.service);
    const restarts = ref.kind === "down" ? (this.pendingRestarts.get(ref.service) ?? []) : [];
    this.pendingRestarts.delete(ref.service);
    const detail: IncidentDetail = { aspect: ref.aspect ?? null, summary: info.summary, lastDetail: info.detail, reminders: 0, restarts };
    const summary = withRestarts(detail);
    this.stmts.insert.run(id, ref.service, ref.kind, info.severity, now, summary, JSON.stringify(requirements), JSON.stringify(detail));
    this.o.records.upsert(INCIDENTS.name, id, {
      set: {
        Service: ref.service,
        Kind: ref.kind,
        Severity: info.severity,
        Status: "open",
        Opened: new Date(now).toISOString(),
        Resolved: null,
        Duration: "",
        Summary: summary,
        "Requirements affected": requirements.join(", "),
      },
    });
    this.log.warn({ incident: id, service: ref.service, kind: ref.kind, aspect: ref.aspect, summary }, "incident opened");
    this.o.alert({ kind: OPEN_KIND[ref.kind], ...this.alertBase(id, ref, info, now, now, requirements), durationMs: null });
    return id;
  }

  private remind(id: string, info: ConditionInfo, now: number): void {
    const row = this.row(id);
    if (!row) return;
    const detail = { ...row.detail, reminders: row.detail.reminders + 1, lastDetail: info.detail };
    this.stmts.update.run("open", null, row.summary, JSON.stringify(detail), id);
    const ref = { service: row.service, kind: row.kind, aspect: detail.aspect ?? undefined };
    this.o.alert({ kind: "reminder", ...this.alertBase(id, ref, { ...info, summary: row.summary, severity: row.severity }, now, row.openedAt, row.requirements), durationMs: now - row.openedAt });
  }

  private resolve(id: string, info: ConditionInfo, now: number): void {
    const row = this.row(id);
    if (!row) return;
    const detail = { ...row.detail, lastDetail: info.detail };
    this.stmts.update.run("resolved", now, row.summary, JSON.stringify(detail), id);
    const durationMs = now - row.openedAt;
    this.o.records.upsert(INCIDENTS.name, id, { set: { Status: "resolved", Resolved: new Date(now).toISOString(), Duration: formatDuration(durationMs) } });
    this.log.info({ incident: id, service: row.service, kind: row.kind, durationMs }, "incident resolved");
    const ref = { service: row.service, kind: row.kind, aspect: detail.aspect ?? undefined };
    const summary = `${row.service} recovered after ${formatDuration(durationMs)}: ${row.detail.summary}`;
    this.o.alert({ kind: "resolved", ...this.alertBase(id, ref, { ...info, summary, severity: row.severity }, now, row.openedAt, row.requirements), durationMs });
  }

  private alertBase(id: string, ref: ConditionRef, info: ConditionInfo, now: number, openedAt: number, requirements: string[]) {
    return { service: ref.service, incidentId: id, incidentKind: ref.kind, severity: info.severity, summary: info.summary, detail: info.detail, at: now, openedAt, requirements };
  }

  private row(id: string) {
    const r = this.stmts.get.get(id) as
      | { id: string; service: string; kind: ServiceIncidentKind; severity: Severity; status: string; openedAt: number; resolvedAt: number | null; summary: string; requirements: string; detail: string }
      | undefined;
    if (!r) {
      this.log.error({ incident: id }, "incident row missing from the store");
      return undefined;
    }
    const detail = parseDetail(r.detail, r.summary);
    return { ...r, detail, requirements: parseJsonList(r.requirements) };
  }
}

/** The summary with the restart attempts appended, e.g. "…; restart 2/3 at 10:03:00Z: exit 1". */
export function withRestarts(detail: IncidentDetail): string {
  if (detail.restarts.length === 0) return detail.summary;
  const last = detail.restarts[detail.restarts.length - 1]!;
  const outcome = last.ok ? "ok" : (last.error ?? (last.exitCode !== null ? `exit ${last.exitCode}` : "failed"));
  return `${detail.summary}; restart ${last.attempt}/${last.maxAttempts} at ${new Date(last.at).toISOString().slice(11, 19)}Z: ${outcome}`;
}

function parseDetail(text: string, summary: string): IncidentDetail {
  const fallback: IncidentDetail = { aspect: null, summary, lastDetail: "", reminders: 0, restarts: [] };
  try {
    const v = JSON.parse(text) as Partial<IncidentDetail>;
    return { ...fallback, ...v, restarts: Array.isArray(v.restarts) ? v.restarts : [] };
  } catch {
    return fallback;
  }
}
