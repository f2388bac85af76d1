import type { Db } from "../store/open-store.ts";
import type { Severity } from "../monitor/alerts/alert.ts";
import { formatDuration } from "../shared/duration.ts";
import { INCIDENTS, type RequirementStatus } from "../workspace/databases.ts";
import type { Cells } from "../workspace/workspace.ts";
import type { RequirementEvaluation } from "./evaluate-requirement.ts";
import { prepared } from "./metrics/store-query.ts";
import { evidenceLine } from "./render-evidence.ts";

/** What happened to a requirement's incident in one evaluation, with what an alert about it needs. */
export type IncidentEffect = { kind: "opened" | "updated" | "resolved"; id: string; severity: Severity; summary: string; openedAt: number } | undefined;

interface IncidentRow {
  id: string;
  severity: Severity;
  summary: string;
  opened_at: number;
}

/** Statuses a fall from Verified lands in that open an incident; Invalid is an edit, not a measurement. */
const FALLEN: ReadonlySet<RequirementStatus> = new Set(["Degraded", "Failing", "Unverified"]);

export const requirementService = (id: string): string => `requirement:${id}`;

/**
 * Keeps the incident of one requirement in step with its status: a fall from Verified opens one (unless one
 * is open already, e.g. after a restart), a change while it is open updates severity and summary, and
 * Verified again resolves it. The store row is the state, so a restart neither reopens nor loses it.
 */
export function syncRequirementIncident(
  db: Db,
  ev: RequirementEvaluation,
  previous: RequirementStatus | undefined,
  /** Queues the Incidents row; the caller sends it once the store transaction has committed. */
  writeRow: (database: string, key: string, cells: Cells) => void,
): IncidentEffect {
  const service = requirementService(ev.id);
  const open = prepared(db, "SELECT id, severity, summary, opened_at FROM incidents WHERE service = ? AND status = 'open' ORDER BY opened_at DESC LIMIT 1").get(service) as
    | IncidentRow
    | undefined;
  const now = ev.evaluatedAt;
  if (ev.status === "Verified") {
    if (!open) return undefined;
    prepared(db, "UPDATE incidents SET status = 'resolved', resolved_at = ? WHERE id = ?").run(now, open.id);
    writeRow(INCIDENTS.name, open.id, {
      ...incidentCells(ev, open.id, open.severity, open.summary, open.opened_at),
      Status: "resolved",
      Resolved: iso(now),
      Duration: formatDuration(now - open.opened_at),
    });
    return { kind: "resolved", id: open.id, severity: open.severity, summary: open.summary, openedAt: open.opened_at };
  }
  if (!FALLEN.has(ev.status)) return undefined;
  const severity: Severity = ev.status === "Failing" ? "critical" : "warning";
  const summary = incidentSummary(ev);
  if (open) {
    if (open.severity === severity && open.summary === summary) return undefined;
    prepared(db, "UPDATE incidents SET severity = ?, summary = ? WHERE id = ?").run(severity, summary, open.id);
    writeRow(INCIDENTS.name, open.id, incidentCells(ev, open.id, severity, summary, open.opened_at));
    return { kind: "updated", id: open.id, severity, summary, openedAt: open.opened_at };
  }
  if (previous !== "Verified") return undefined;
  const id = `req-${ev.id}-${new Date(now).toISOString().replace(/[-:]|\.\d+/g, "")}`;
  prepared(
    db,
    `INSERT INTO incidents (id, service, kind, severity, status, opened_at, summary, requirements, detail)
     VALUES (?, ?, 'requirement', ?, 'open', ?, ?, ?, ?)`,
  ).run(id, service, severity, now, summary, JSON.stringify([ev.id]), JSON.stringify({ from: previous, to: ev.status }));
  writeRow(INCIDENTS.name, id, incidentCells(ev, id, severity, summary, now));
  return { kind: "opened", id, severity, summary, openedAt: now };
}

/** Resolves the open incident of a requirement that left the workspace, so it does not stay open forever. */
export function resolveRemovedRequirementIncident(db: Db, id: string, now: number, writeRow: (database: string, key: string, cells: Cells) => void): IncidentEffect {
  const open = prepared(db, "SELECT id, severity, summary, opened_at FROM incidents WHERE service = ? AND status = 'open'").get(requirementService(id)) as IncidentRow | undefined;
  if (!open) return undefined;
  prepared(db, "UPDATE incidents SET status = 'resolved', resolved_at = ? WHERE id = ?").run(now, open.id);
  writeRow(INCIDENTS.name, open.id, { Status: "resolved", Resolved: iso(now), Duration: formatDuration(now - open.opened_at) });
  return { kind: "resolved", id: open.id, severity: open.severity, summary: open.summary, openedAt: open.opened_at };
}

/** Names the requirement, its status and the criteria that let it down (failing first, else unverified). */
export function incidentSummary(ev: RequirementEvaluation): string {
  const failing = ev.criteria.filter((c) => c.result === "fail");
  const culprits = failing.length > 0 ? failing : ev.criteria.filter((c) => c.result === "unverified");
  return `${ev.id} ${ev.title} is ${ev.status}: ${culprits.map(evidenceLine).join("; ")}`;
}

function incidentCells(ev: RequirementEvaluation, id: string, severity: string, summary: string, openedAt: number): Cells {
  return {
    Incident: id,
    Service: requirementService(ev.id),
    Kind: "requirement",
    Severity: severity,
    Status: "open",
    Opened: iso(openedAt),
    Summary: summary,
    "Requirements affected": ev.id,
  };
}

const iso = (ms: number): string => new Date(ms).toISOString();
