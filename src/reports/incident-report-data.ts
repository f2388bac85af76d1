import type { Db } from "../store/open-store.ts";
import { FAILURE_STATUSES_SQL, prepared } from "../evidence/metrics/store-query.ts";
import { formatDuration } from "../shared/duration.ts";
import { median } from "../monitor/percentile.ts";
import { parseJsonList } from "../store/parse-json-list.ts";

/** Everything the incident report template shows, preformatted (pure data; the template only lays it out). */
export interface IncidentReportData {
  key: string;
  title: string;
  from: string;
  to: string;
  window: string;
  generatedAt: string;
  counts: { total: number; open: number; resolved: number };
  /** Over the incidents resolved within the window; null when none were. */
  timeToResolve: { count: number; mean: string; median: string; max: string } | null;
  incidents: {
    id: string;
    service: string;
    kind: string;
    severity: string;
    status: string;
    opened: string;
    resolved: string;
    duration: string;
    requirements: string;
    summary: string;
  }[];
  services: { name: string; checks: number; failures: number; availability: string; mark: string; incidents: number }[];
  /** False when the store has no requirement_status table (no evidence engine yet). */
  requirementStatusRecorded: boolean;
  requirementChanges: { id: string; status: string; since: string; detail: string }[];
}

export interface ReportWindow {
  from: number;
  to: number;
  /** Configured services, listed even when they had no checks in the window. */
  services: readonly string[];
}

/** Availability at or above this is marked 🟢; below it 🔴 (a day at 99 % is about 14 minutes down). */
const GOOD_AVAILABILITY = 99;

/** Reads the window's incidents, availability and requirement changes from the local store. */
export function buildIncidentReport(db: Db, w: ReportWindow, generatedAt: number): IncidentReportData {
  const date = new Date(w.to).toISOString().slice(0, 10);
  const rows = prepared(
    db,
    `SELECT id, service, kind, severity, status, opened_at AS openedAt, resolved_at AS resolvedAt, summary, requirements
     FROM incidents WHERE opened_at < ? AND (resolved_at IS NULL OR resolved_at >= ?) ORDER BY opened_at, id`,
  ).all(w.to, w.from) as { id: string; service: string; kind: string; severity: string; status: string; openedAt: number; resolvedAt: number | null; summary: string; requirements: string }[];

  const resolvedInWindow = rows.filter((r) => r.resolvedAt !== null && r.resolvedAt < w.to).map((r) => r.resolvedAt! - r.openedAt);
  const incidents = rows.map((r) => {
    const stillOpen = r.resolvedAt === null || r.resolvedAt >= w.to;
    return {
      id: r.id,
      service: r.service,
      kind: r.kind,
      severity: r.severity,
      status: stillOpen ? "open" : "resolved",
      opened: isoMinute(r.openedAt),
      resolved: stillOpen ? "—" : isoMinute(r.resolvedAt!),
      duration: stillOpen ? `${formatDuration(w.to - r.openedAt)} so far` : formatDuration(r.resolvedAt! - r.openedAt),
      requirements: parseJsonList(r.requirements).join(", ") || "—",
      summary: cell(r.summary),
    };
  });

  const counts = prepared(
    db,
    `SELECT service, count(*) AS checks, coalesce(sum(status IN ${FAILURE_STATUSES_SQL}), 0) AS failures
     FROM observations WHERE at >= ? AND at < ? GROUP BY service`,
  ).all(w.from, w.to) as { service: string; checks: number; failures: number }[];
  const byService = new Map(counts.map((c) => [c.service, c]));
  const names = [...new Set([...w.services, ...byService.keys()])].sort();
  const services = names.map((name) => {
    const c = byService.get(name);
    const pct = c && c.checks > 0 ? ((c.checks - c.failures) / c.checks) * 100 : null;
    return {
      name,
      checks: c?.checks ?? 0,
      failures: c?.failures ?? 0,
      availability: pct === null ? "no checks" : `${pct.toFixed(2)} %`,
      mark: pct === null ? "⚪" : pct >= GOOD_AVAILABILITY ? "🟢" : "🔴",
      incidents: rows.filter((r) => r.service === name).length,
    };
  });

  return {
    key: `incident-report-${date}`,
    title: `Incident report ${date}`,
    from: isoMinute(w.from),
    to: isoMinute(w.to),
    window: formatDuration(w.to - w.from),
    generatedAt: isoMinute(generatedAt),
    counts: { total: incidents.length, open: incidents.filter((i) => i.status === "open").length, resolved: resolvedInWindow.length },
    timeToResolve:
      resolvedInWindow.length === 0
        ? null
        : {
            count: resolvedInWindow.length,
            mean: formatDuration(resolvedInWindow.reduce((a, b) => a + b, 0) / resolvedInWindow.length),
            median: formatDuration(median(resolvedInWindow)!),
            max: formatDuration(Math.max(...resolvedInWindow)),
          },
    incidents,
    services,
    ...requirementChanges(db, w),
  };
}

function requirementChanges(db: Db, w: ReportWindow): Pick<IncidentReportData, "requirementStatusRecorded" | "requirementChanges"> {
  const exists = prepared(db, `SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'requirement_status'`).get();
  if (!exists) return { requirementStatusRecorded: false, requirementChanges: [] };
  const rows = prepared(db, `SELECT requirement, status, detail, since FROM requirement_status WHERE since >= ? AND since < ? ORDER BY requirement`).all(w.from, w.to) as { requirement: string; status: string; detail: string; since: number }[];
  return {
    requirementStatusRecorded: true,
    requirementChanges: rows.map((r) => ({ id: r.requirement, status: r.status, since: isoMinute(r.since), detail: cell(r.detail) || "—" })),
  };
}

/** "2026-11-25 08:00 UTC". */
function isoMinute(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** Text safe inside a markdown table cell: one line, pipes escaped. */
function cell(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").replace(/\|/g, "\\|").slice(0, 300);
}
