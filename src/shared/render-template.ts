import Handlebars from "handlebars";
import { readFileSync } from "node:fs";
import { TemplateError } from "./errors.ts";

export type TemplateFn = (context: Record<string, unknown>) => string;

/** One Handlebars environment for the project's templates: markdown and YAML out, so nothing is HTML-escaped. */
const hbs = Handlebars.create();
hbs.registerHelper("join", (list: unknown, sep: unknown) => (Array.isArray(list) ? list.join(typeof sep === "string" ? sep : ", ") : ""));
/** Quotes a value for YAML front matter (JSON strings are valid YAML), so a title with ':' or '#' stays a title. */
hbs.registerHelper("yaml", (value: unknown) => new Handlebars.SafeString(JSON.stringify(value ?? "")));
hbs.registerHelper("eq", (a: unknown, b: unknown) => a === b);

/**
 * Compiles a template, turning parse errors (at compile) and missing variables (at render, strict mode) into
 * TemplateErrors that name the file and line.
 */
export function compileTemplate(source: string, file: string): TemplateFn {
  try {
    hbs.parse(source);
  } catch (err) {
    throw new TemplateError(file, lineOf(err), firstLine(err), err);
  }
  const compiled = hbs.compile(source, { noEscape: true, strict: true });
  return (context) => {
    try {
      return compiled(context);
    } catch (err) {
      throw new TemplateError(file, lineOf(err), firstLine(err), err);
    }
  };
}

export function loadTemplate(file: string): TemplateFn {
  let source: string;
  try {
    source = readFileSync(file, "utf8");
  } catch (err) {
    throw new TemplateError(file, undefined, `cannot read template (${(err as Error).message})`, err);
  }
  return compileTemplate(source, file);
}

function lineOf(err: unknown): number | undefined {
  const e = err as { lineNumber?: number; hash?: { loc?: { first_line?: number } }; message?: string };
  if (typeof e.lineNumber === "number") return e.lineNumber;
  if (typeof e.hash?.loc?.first_line === "number") return e.hash.loc.first_line;
  const m = /on line (\d+)|- (\d+):\d+/.exec(e.message ?? "");
  return m ? Number(m[1] ?? m[2]) : undefined;
}

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text
    .split("\n")
    .filter((l) => l.trim() !== "" && !/^-*\^$/.test(l.trim()))
    .slice(0, 3)
    .join(" ")
    .replace(/\s+/g, " ");
}
