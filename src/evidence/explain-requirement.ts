import type { Config } from "../config/schema.ts";
import type { Db } from "../store/open-store.ts";
import type { Workspace } from "../workspace/workspace.ts";
import type { RequirementEvaluation } from "./evaluate-requirement.ts";
import { evaluateRequirements } from "./evaluate-requirements.ts";
import { readRequirements, type RequirementRow } from "./read-requirements.ts";

export interface ExplainDeps {
  workspace: Pick<Workspace, "readRows">;
  store: Db;
  config: Config;
}

/** The requirement and its evaluation; or, when no row has the ID, the IDs there are (for a "did you mean"). */
export type Explanation = { input: RequirementRow; evaluation: RequirementEvaluation } | { input?: undefined; evaluation?: undefined; ids: string[] };

/**
 * Evaluates one requirement now without writing anything. An exact ID wins; otherwise one that differs only in
 * case is taken, since people type fr-001 for FR-001.
 */
export async function explainRequirement(deps: ExplainDeps, id: string, now: number): Promise<Explanation> {
  const requirements = await readRequirements(deps.workspace);
  const input = requirements.find((r) => r.id === id) ?? requirements.find((r) => r.id.toLowerCase() === id.toLowerCase());
  if (!input) return { ids: requirements.map((r) => r.id) };
  const [evaluation] = await evaluateRequirements([input], deps, now);
  return { input, evaluation: evaluation! };
}
