import type { CellValue, Cells, DatabaseSpec, FieldSpec } from "./workspace.ts";
import { WorkspaceWriteError } from "./workspace-error.ts";

/** Checks a write against the database's fields: known names, right types, owners respected. */
export function checkCells(spec: DatabaseSpec, cells: Cells, owner: FieldSpec["owner"] | "any"): void {
  const fields = new Map(spec.fields.map((f) => [f.name, f]));
  for (const [name, value] of Object.entries(cells)) {
    const field = fields.get(name);
    if (!field) throw new WorkspaceWriteError(spec.name, name, `no such field (fields: ${[...fields.keys()].join(", ")})`);
    if (owner !== "any" && field.owner !== owner) {
      throw new WorkspaceWriteError(spec.name, name, `owned by the ${field.owner}; the tracker writes it only when the row is created`);
    }
    const problem = typeProblem(field, value);
    if (problem) throw new WorkspaceWriteError(spec.name, name, problem);
  }
}

function typeProblem(field: FieldSpec, value: CellValue): string | undefined {
  if (value === null) return undefined;
  switch (field.type) {
    case "number":
      return typeof value === "number" && Number.isFinite(value) ? undefined : `expects a finite number, got ${JSON.stringify(value)}`;
    case "checkbox":
      return typeof value === "boolean" ? undefined : `expects true or false, got ${JSON.stringify(value)}`;
    case "multiselect":
      return Array.isArray(value) ? undefined : `expects a list, got ${JSON.stringify(value)}`;
    case "select":
      if (typeof value !== "string") return `expects one of its options, got ${JSON.stringify(value)}`;
      return value === "" || !field.options || field.options.includes(value) ? undefined : `"${value}" is not one of ${field.options.join(", ")}`;
    case "date":
      return typeof value === "string" && !Number.isNaN(Date.parse(value)) ? undefined : `expects an ISO-8601 time, got ${JSON.stringify(value)}`;
    case "text":
    case "url":
      return typeof value === "string" ? undefined : `expects text, got ${JSON.stringify(value)}`;
  }
}
