import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from "yaml";
import type { z } from "zod";
import { ConfigError, type ConfigIssue } from "../shared/errors.ts";
import { deepFreeze } from "../shared/deep-freeze.ts";
import { ConfigSchema, duplicateServiceNames, type Config } from "./schema.ts";
import { expandEnv } from "./expand-env.ts";

export interface ParseOptions {
  /** Name used in messages, usually the file path. */
  source?: string;
  env?: Readonly<Record<string, string | undefined>>;
}

/** Parses config text into a frozen Config, or throws a ConfigError listing every problem with its path and line. */
export function parseConfig(text: string, options: ParseOptions = {}): Config {
  const source = options.source ?? "config";
  const env = options.env ?? {};
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      source,
      doc.errors.map((e) => {
        const pos = lines.linePos(e.pos[0]);
        return { path: `${source}:${pos.line}:${pos.col}`, message: e.message.split("\n")[0]! };
      }),
    );
  }
  const issues: ConfigIssue[] = [];
  expandScalars(doc.contents as Node | null, [], env, (path, message, node) => {
    issues.push({ path: path.join(".") || "(root)", message: withLine(message, source, node, lines) });
  });
  const raw = doc.toJS() ?? {};
  if (typeof raw !== "object" || Array.isArray(raw)) {
    throw new ConfigError(source, [...issues, { path: "(root)", message: "the config must be a mapping of keys to values" }]);
  }
  for (const d of duplicateServiceNames((raw as { services?: unknown }).services)) {
    issues.push({ path: d.path.join("."), message: withLine(d.message, source, nearestNode(doc, d.path), lines) });
  }
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) issues.push(...toIssues(parsed.error, doc, source, lines));
  if (issues.length > 0) throw new ConfigError(source, issues);
  return deepFreeze(parsed.data!);
}

function toIssues(error: z.ZodError, doc: Document, source: string, lines: LineCounter): ConfigIssue[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String);
    const node = nearestNode(doc, issue.path as (string | number)[]);
    return { path: path.join(".") || "(root)", message: withLine(issue.message, source, node, lines) };
  });
}

/** The deepest node of the path that exists in the document, to point at a line. */
function nearestNode(doc: Document, path: (string | number)[]): Node | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n), true) as Node | undefined;
    if (node && typeof node === "object" && "range" in node) return node;
  }
  return undefined;
}

function withLine(message: string, source: string, node: Node | undefined | null, lines: LineCounter): string {
  const offset = node?.range?.[0];
  if (offset === undefined) return message;
  return `${message} (${source}:${lines.linePos(offset).line})`;
}

/** Expands `${VAR}` in every string scalar in place; a value that was only a variable is re-read as YAML. */
function expandScalars(
  node: Node | null,
  path: (string | number)[],
  env: Readonly<Record<string, string | undefined>>,
  report: (path: (string | number)[], message: string, node: Node) => void,
): void {
  if (!node) return;
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : "?";
      expandScalars(pair.value as Node | null, [...path, key], env, report);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => expandScalars(item as Node | null, [...path, i], env, report));
  } else if (isScalar(node) && typeof node.value === "string" && node.value.includes("$")) {
    const original = node.value;
    const { value, missing } = expandEnv(original, env);
    for (const name of missing) report(path, `environment variable ${name} is not set (use \${${name}:-default} for a default)`, node);
    const wholeVariable = /^\$\{[^}]+\}$/.test(original.trim());
    node.value = wholeVariable ? coerceScalar(value) : value;
  }
}

function coerceScalar(value: string): unknown {
  if (/^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (value === "true" || value === "false") return value === "true";
  return value;
}
