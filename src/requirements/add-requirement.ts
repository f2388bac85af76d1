import { TrackerError } from "../shared/errors.ts";
import { DATABASES, REQUIREMENTS } from "../workspace/databases.ts";
import type { Workspace } from "../workspace/workspace.ts";
import { requirementFromTemplate } from "./catalog.ts";
import { requirementPage, requirementSeed } from "./sync-requirements.ts";

export interface AddRequirementInput {
  template: string;
  id: string;
  title: string;
  service: string;
}

/** Adds a requirement from a generic template; an id already in the workspace is refused, never overwritten. */
export async function addRequirement(workspace: Workspace, input: AddRequirementInput, knownServices: readonly string[]): Promise<void> {
  const requirement = requirementFromTemplate(input, knownServices);
  for (const spec of DATABASES) await workspace.ensureDatabase(spec);
  const existing = await workspace.readRows(REQUIREMENTS.name);
  if (existing.some((r) => r.key === requirement.id)) {
    throw new TrackerError("USAGE", `--id: requirement ${requirement.id} already exists in the workspace`, { exitCode: 2 });
  }
  await workspace.upsertRow(REQUIREMENTS.name, requirement.id, { seed: requirementSeed(requirement) });
  await workspace.writePage(requirementPage(requirement));
}
