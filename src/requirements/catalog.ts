import { readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { TrackerError } from "../shared/errors.ts";
import { renderRequirementFile } from "./render-requirement.ts";
import { REQUIREMENT_ID, type Requirement } from "./requirement.ts";

export const TEMPLATES_DIR = fileURLToPath(new URL("../../templates/requirements/", import.meta.url));

/** The generic templates a team adds requirements from; the rest of the folder is the reference set. */
export const GENERIC_TEMPLATES = ["ai-service", "service-health"] as const;
export type GenericTemplate = (typeof GENERIC_TEMPLATES)[number];

/** The reference requirements (FR-001 …): every template in the folder that is not a generic one. */
export function loadReferenceRequirements(dir = TEMPLATES_DIR): Requirement[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".md.hbs") && !(GENERIC_TEMPLATES as readonly string[]).includes(basename(f, ".md.hbs")))
    .sort();
  const requirements = files.map((f) => {
    const file = join(dir, f);
    return renderRequirementFile(file, {});
  });
  const seen = new Set<string>();
  for (const r of requirements) {
    if (seen.has(r.id)) throw new TrackerError("TEMPLATE_INVALID", `${r.template}: requirement ${r.id} is defined twice`, { exitCode: 2 });
    seen.add(r.id);
  }
  return requirements;
}

export interface NewRequirementInput {
  template: string;
  id: string;
  title: string;
  service: string;
}

/** Renders a requirement from a generic template, after checking its inputs. */
export function requirementFromTemplate(input: NewRequirementInput, knownServices: readonly string[], dir = TEMPLATES_DIR): Requirement {
  const problems: string[] = [];
  if (!(GENERIC_TEMPLATES as readonly string[]).includes(input.template)) problems.push(`--template: one of ${GENERIC_TEMPLATES.join(", ")}`);
  if (!REQUIREMENT_ID.test(input.id)) problems.push(`--id: an id like FR-006, got "${input.id}"`);
  if (!input.title.trim()) problems.push("--title: must not be empty");
  if (!knownServices.includes(input.service)) problems.push(`--service: no service named "${input.service}" (known: ${knownServices.join(", ")})`);
  if (problems.length > 0) throw new TrackerError("USAGE", problems.join("\n"), { exitCode: 2 });
  const file = join(dir, `${input.template}.md.hbs`);
  return renderRequirementFile(file, { id: input.id, title: input.title.trim(), service: input.service });
}
