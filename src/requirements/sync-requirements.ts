import type { Logger } from "../shared/logger.ts";
import { REQUIREMENTS } from "../workspace/databases.ts";
import type { RecordWriter } from "../workspace/record-writer.ts";
import type { Cells, PageSpec } from "../workspace/workspace.ts";
import type { Requirement } from "./requirement.ts";

/** The team-owned cells a template seeds once; Status starts Unverified until evidence exists. */
export function requirementSeed(r: Requirement): Cells {
  return {
    ID: r.id,
    Title: r.title,
    Description: stripTitle(r.description),
    Services: r.services.join(", "),
    Criteria: r.criteria.join("\n"),
    Owner: r.owner,
    Priority: r.priority,
    Status: "Unverified",
  };
}

/** The requirement's page: its rendered template, with the criteria as the template wrote them. */
export function requirementPage(r: Requirement): PageSpec {
  const criteria = r.criteria.map((c) => `    ${c}`).join("\n");
  return {
    key: `requirement-${r.id}`,
    title: `${r.id} ${r.title}`,
    markdown: `${r.description}\n\n## Criteria (as seeded from the template)\n\n${criteria || "    (none)"}\n\nServices: ${r.services.join(", ") || "(none)"}\n`,
  };
}

/**
 * Seeds each requirement's row (an existing row keeps every team edit) and writes its page.
 * Runs at every start, so a requirement added to templates/ appears without touching the others.
 */
export function syncRequirements(requirements: readonly Requirement[], records: RecordWriter, logger: Logger): void {
  for (const r of requirements) {
    records.upsert(REQUIREMENTS.name, r.id, { seed: requirementSeed(r) });
    records.page(requirementPage(r));
  }
  logger.child({ module: "requirements" }).info({ requirements: requirements.map((r) => r.id) }, "requirements synced");
}

/** The description cell: the body without its leading "# ID Title" heading, which the card shows anyway. */
function stripTitle(markdown: string): string {
  return markdown.replace(/^# .*\n+/, "").trim();
}
