import { loadConfig } from "../config/load-config.ts";
import { prepared } from "../evidence/metrics/store-query.ts";
import { silentLogger } from "../shared/logger.ts";
import type { Db } from "../store/open-store.ts";
import { REQUIREMENTS } from "../workspace/databases.ts";
import type { Workspace } from "../workspace/workspace.ts";
import type { Command } from "./command.ts";
import { openStoreForReading, openWorkspaceForReading } from "./open-data.ts";
import { CONFIG_OPTION, formatTable, parseCommandArgs, writeLine } from "./parse-args.ts";

export interface EvidenceEntry {
  criterion: string;
  measured: string | null;
  threshold: string | null;
  result: "pass" | "fail" | "unverified";
  /** When the deciding measurement was taken; null when there was none. */
  at: string | null;
}

export interface StatusReport {
  workspace: { kind: string };
  databases: { name: string; rows: number }[];
  requirements: { id: string; title: string; status: string; lastVerified: string | null; evidence: EvidenceEntry[] }[];
  incidents: { id: string; service: string; kind: string; severity: string; status: string; opened: string; resolved: string | null; summary: string }[];
}

const BAD_STATUSES = new Set(["Failing", "Degraded", "Invalid"]);

export const statusCommand: Command = {
  name: "status",
  summary: "status [--json]   the requirements and their status; --json adds databases, evidence and incidents",
  async run(ctx) {
    const { values } = parseCommandArgs(ctx.argv, { ...CONFIG_OPTION, json: { type: "boolean" } });
    const { config } = loadConfig(values.config, ctx.env);
    const store = openStoreForReading(config);
    const workspace = await openWorkspaceForReading(config, silentLogger());
    let report: StatusReport;
    try {
      report = await buildStatus(workspace, store, Date.now());
    } finally {
      await workspace.close();
      store?.close();
    }
    if (values.json) writeLine(ctx.stdout, JSON.stringify(report, null, 2));
    else printStatus(ctx.stdout, report);
    const bad = report.requirements.some((r) => BAD_STATUSES.has(r.status)) || report.incidents.some((i) => i.status === "open");
    return bad ? 1 : 0;
  },
};

export async function buildStatus(workspace: Workspace, store: Db | undefined, now: number): Promise<StatusReport> {
  const databases = await workspace.listDatabases();
  const rows = databases.some((d) => d.name === REQUIREMENTS.name) ? await workspace.readRows(REQUIREMENTS.name) : [];
  const requirements = rows.map((row) => ({
    id: row.key,
    title: String(row.cells.Title ?? ""),
    status: String(row.cells.Status || "Unverified"),
    lastVerified: row.cells["Last verified"] ? String(row.cells["Last verified"]) : null,
    evidence: store ? latestEvidence(store, row.key) : [],
  }));
  return { workspace: { kind: workspace.kind }, databases, requirements, incidents: store ? recentIncidents(store, now) : [] };
}

/** The criteria as the evidence engine last evaluated them (its requirement_status row), so edited-away criteria never linger. */
function latestEvidence(store: Db, requirement: string): EvidenceEntry[] {
  const row = prepared(store, "SELECT detail FROM requirement_status WHERE requirement = ?").get(requirement) as { detail: string } | undefined;
  if (!row) return [];
  try {
    const detail = JSON.parse(row.detail) as { evidence?: EvidenceEntry[] };
    return Array.isArray(detail.evidence) ? detail.evidence : [];
  } catch {
    return [];
  }
}

/** Open incidents and those resolved in the last 24 hours. */
function recentIncidents(store: Db, now: number): StatusReport["incidents"] {
  const rows = store
    .prepare(
      `SELECT id, service, kind, severity, status, opened_at, resolved_at, summary FROM incidents
       WHERE status = 'open' OR resolved_at >= ? ORDER BY opened_at DESC LIMIT 100`,
    )
    .all(now - 86_400_000) as { id: string; service: string; kind: string; severity: string; status: string; opened_at: number; resolved_at: number | null; summary: string }[];
  return rows.map((r) => ({
    id: r.id,
    service: r.service,
    kind: r.kind,
    severity: r.severity,
    status: r.status,
    opened: new Date(r.opened_at).toISOString(),
    resolved: r.resolved_at ? new Date(r.resolved_at).toISOString() : null,
    summary: r.summary,
  }));
}

function printStatus(out: NodeJS.WritableStream, report: StatusReport): void {
  writeLine(
    out,
    formatTable(
      ["ID", "STATUS", "LAST VERIFIED", "TITLE"],
      report.requirements.map((r) => [r.id, r.status, r.lastVerified ?? "never", r.title]),
    ),
  );
  for (const r of report.requirements) {
    if (r.evidence.length === 0) continue;
    writeLine(out);
    writeLine(out, `${r.id}:`);
    for (const e of r.evidence) {
      const mark = e.result === "pass" ? "pass" : e.result === "fail" ? "FAIL" : "no data";
      writeLine(out, `  [${mark}] ${e.criterion}${e.measured ? `  (measured ${e.measured})` : ""}`);
    }
  }
  const open = report.incidents.filter((i) => i.status === "open");
  writeLine(out);
  writeLine(out, open.length === 0 ? "No open incidents." : `${open.length} open incident(s):`);
  for (const i of open) writeLine(out, `  ${i.id}  ${i.service}  ${i.kind}  since ${i.opened}  ${i.summary}`);
}
