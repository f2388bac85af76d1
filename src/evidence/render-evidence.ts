import { formatParseError } from "./criterion.ts";
import type { RequirementEvaluation } from "./evaluate-requirement.ts";
import type { CriterionEvaluation, CriterionResult } from "./judge-criterion.ts";
import type { Cells } from "../workspace/workspace.ts";

export const RESULT_ICONS: Readonly<Record<CriterionResult, string>> = { pass: "🟢", fail: "🔴", unverified: "⚪" };

/** The criterion as the team wrote it, with its critical mark. */
export function criterionLabel(c: Pick<CriterionEvaluation, "criterion" | "critical">): string {
  return `${c.critical ? "! " : ""}${c.criterion}`;
}

/** One line per criterion for the card: `🟢 criterion — measured vs threshold`; unverified lines say why. */
export function evidenceLine(c: CriterionEvaluation): string {
  const what = c.result === "unverified" ? c.reason : `${c.measured} vs ${c.threshold}`;
  return `${RESULT_ICONS[c.result]} ${criterionLabel(c)} — ${what}`;
}

/** The card's Evidence cell. An invalid requirement shows every parse error with its line:column. */
export function evidenceCell(ev: RequirementEvaluation): string {
  if (ev.errors.length > 0) return ev.errors.map((e) => `⛔ ${formatParseError(e)}`).join("\n");
  if (ev.criteria.length === 0) return "⚪ no criteria: add one per line, e.g. availability(mlx) >= 99% over 24h";
  return ev.criteria.map(evidenceLine).join("\n");
}

/**
 * What decides whether the card must be rewritten now: the status and each criterion's result. Readings that
 * merely moved are refreshed on a slower clock so the workspace is not rewritten every evaluation.
 */
export function cardSignature(ev: RequirementEvaluation): string {
  return [ev.status, ...ev.errors.map(formatParseError), ...ev.criteria.map((c) => `${c.result} ${criterionLabel(c)}`)].join("\n");
}

/** The stable key of an Evidence row: requirement, criterion and evaluation time. */
export function evidenceRowKey(requirement: string, criterion: string, at: number): string {
  return `${requirement}|${criterion}|${new Date(at).toISOString()}`;
}

/** The Evidence database cells for one criterion of one evaluation. */
export function evidenceRowCells(ev: RequirementEvaluation, c: CriterionEvaluation): Cells {
  return {
    Requirement: ev.id,
    Criterion: criterionLabel(c),
    Measured: c.result === "unverified" ? `${c.measured ? `${c.measured}, ` : ""}unverified: ${c.reason}` : c.measured,
    Threshold: c.threshold,
    Result: c.result,
    Source: c.source,
    Time: new Date(ev.evaluatedAt).toISOString(),
  };
}

/** One evidence entry of `ai-tracker status --json` (DESIGN.md section 7). */
export interface StatusEvidence {
  criterion: string;
  measured: string;
  threshold: string;
  result: CriterionResult;
  /** When the deciding data was measured (ISO), null with no data. */
  at: string | null;
}

/** One requirement of `ai-tracker status --json`; `summary` says why (the parse error when Invalid). */
export interface RequirementStatusEntry {
  id: string;
  title: string;
  status: RequirementEvaluation["status"];
  summary: string;
  evidence: StatusEvidence[];
}

export function statusEntry(ev: RequirementEvaluation): RequirementStatusEntry {
  return {
    id: ev.id,
    title: ev.title,
    status: ev.status,
    summary: ev.summary,
    evidence: ev.criteria.map((c) => ({
      criterion: criterionLabel(c),
      measured: c.measured,
      threshold: c.threshold,
      result: c.result,
      at: c.latestAt === null ? null : new Date(c.latestAt).toISOString(),
    })),
  };
}
