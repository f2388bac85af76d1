import { REQUIREMENTS } from "../workspace/databases.ts";
import type { CellValue, Workspace } from "../workspace/workspace.ts";
import type { RequirementInput } from "./evaluate-requirement.ts";

/** A requirement row: what to evaluate, plus what its card shows now (to spot a status typed by hand). */
export interface RequirementRow extends RequirementInput {
  shown: { status: string; evidence: string };
}

/**
 * The requirements as the team has them now, including rows people added. A row without an ID is not a
 * requirement yet and is left alone; when two rows share an ID the first one counts, as it does for writes.
 */
export async function readRequirements(workspace: Pick<Workspace, "readRows">): Promise<RequirementRow[]> {
  const rows = await workspace.readRows(REQUIREMENTS.name);
  const seen = new Set<string>();
  const out: RequirementRow[] = [];
  for (const row of rows) {
    const id = typeof row.cells.ID === "string" ? row.cells.ID.trim() : "";
    if (!id || seen.has(id)) continue;
    seen.add(id);
    out.push({
      id,
      title: cellText(row.cells.Title),
      criteria: cellText(row.cells.Criteria, "\n"),
      shown: { status: cellText(row.cells.Status), evidence: cellText(row.cells.Evidence) },
    });
  }
  return out;
}

function cellText(value: CellValue | undefined, separator = ", "): string {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) return value.join(separator);
  return String(value);
}
