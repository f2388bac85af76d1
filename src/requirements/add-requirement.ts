import { DATABASES, REQUIREMENTS } from "../workspace/databases.ts";
import type { Workspace } from "../workspace/workspace.ts";
import { requirementFromTemplate, type NewRequirementInput } from "./catalog.ts";
import { DuplicateRequirementError } from "./duplicate-requirement-error.ts";
import { requirementPage, requirementSeed } from "./sync-requirements.ts";

/** Adds a requirement from a generic template; an id already in the workspace is refused, never overwritten. */
export async function addRequirement(workspace: Workspace, input: NewRequirementInput, knownServices: readonly string[]): Promise<void> {
  const requirement = requirementFromTemplate(input, knownServices);
  for (const spec of DATABASES) await workspace.ensureDatabase(spec);
  const existing = await workspace.readRows(REQUIREMENTS.name);
  if (existing.some((r) => r.key === requirement.id)) {
    throw new DuplicateRequirementError(requirement.id);
  }
  await workspace.upsertRow(REQUIREMENTS.name, requirement.id, { seed: requirementSeed(requirement) });
  await workspace.writePage(requirementPage(requirement));
}
