import { readFileSync } from "node:fs";
import { LineCounter, parseDocument } from "yaml";
import { TemplateError } from "../shared/errors.ts";
import { compileTemplate } from "../shared/render-template.ts";
import { RequirementSchema, type Requirement } from "./requirement.ts";

const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n---[ \t]*(\r?\n|$)/;

/**
 * Renders a requirement template: the YAML front matter first (with the caller's inputs), then the body with the
 * front matter's fields too, so a body can say {{id}} and {{title}}. Errors name the template file and line.
 */
export function renderRequirement(source: string, file: string, context: Record<string, unknown>): Requirement {
  const m = FRONT_MATTER.exec(source);
  if (!m) throw new TemplateError(file, 1, "a requirement template starts with YAML front matter between --- lines");
  const front = compileTemplate(m[1]!, file)(context);
  const lines = new LineCounter();
  const doc = parseDocument(front, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw new TemplateError(file, lines.linePos(e.pos[0]).line + 1, `front matter: ${e.message.split("\n")[0]}`);
  }
  const parsed = RequirementSchema.safeParse(doc.toJS() ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const node = doc.getIn(issue.path as (string | number)[], true) as { range?: [number, number] } | undefined;
    const line = node?.range ? lines.linePos(node.range[0]).line + 1 : undefined;
    throw new TemplateError(file, line, `front matter ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  // Blank lines in place of the front matter keep Handlebars' line numbers equal to the file's.
  const padding = "\n".repeat(m[0].split("\n").length - 1);
  const body = compileTemplate(padding + source.slice(m[0].length), file)({ ...context, ...parsed.data });
  return { ...parsed.data, description: body.trim(), template: file };
}

export function renderRequirementFile(file: string, context: Record<string, unknown>): Requirement {
  let source: string;
  try {
    source = readFileSync(file, "utf8");
  } catch (err) {
    throw new TemplateError(file, undefined, `cannot read template (${(err as Error).message})`, err);
  }
  return renderRequirement(source, file, context);
}
