import type { AppDeps } from "../app-deps.ts";
import { evaluateRequirements } from "./evaluate-requirements.ts";
import { readRequirements } from "./read-requirements.ts";
import { statusEntry, type RequirementStatusEntry } from "./render-evidence.ts";

/**
 * Every requirement's status and evidence as `ai-tracker status --json` prints them, evaluated now from the
 * store and the workspace. Writes nothing, so it works over a read-only store and a workspace snapshot.
 */
export async function evaluateForStatus(deps: Pick<AppDeps, "config" | "store" | "workspace" | "now">): Promise<RequirementStatusEntry[]> {
  const inputs = await readRequirements(deps.workspace);
  const evaluations = await evaluateRequirements(inputs, deps, deps.now());
  return evaluations.map(statusEntry);
}
