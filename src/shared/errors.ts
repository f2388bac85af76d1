/** Stable error codes: scripts and tests match on these, never on message text. */
export type ErrorCode =
  | "CONFIG_INVALID"
  | "CONFIG_NOT_FOUND"
  | "TEMPLATE_INVALID"
  | "STORE_CORRUPT"
  | "STORE_LOCKED"
  | "PORT_IN_USE"
  | "WORKSPACE_INVALID"
  | "WORKSPACE_UNAVAILABLE"
  | "USAGE";

export class TrackerError extends Error {
  readonly code: ErrorCode;
  /** Exit code for the CLI: 2 for bad input, 1 for everything else. */
  readonly exitCode: number;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; exitCode?: number } = {}) {
    super(message, { cause: options.cause });
    this.name = "TrackerError";
    this.code = code;
    this.exitCode = options.exitCode ?? 1;
  }
}

export interface ConfigIssue {
  /** Dotted field path, e.g. `services.2.url`, or `file:line` for syntax errors. */
  path: string;
  message: string;
}

/** Every problem found in a config file, each with the path of the field it concerns. */
export class ConfigError extends TrackerError {
  readonly issues: ConfigIssue[];

  constructor(source: string, issues: ConfigIssue[]) {
    super("CONFIG_INVALID", `${source}: ${issues.length} problem(s)\n${issues.map((i) => `  ${i.path}: ${i.message}`).join("\n")}`, {
      exitCode: 2,
    });
    this.name = "ConfigError";
    this.issues = issues;
  }
}

/** A template that does not render or parse; the message names the file and line. */
export class TemplateError extends TrackerError {
  readonly file: string;
  readonly line: number | undefined;

  constructor(file: string, line: number | undefined, detail: string, cause?: unknown) {
    super("TEMPLATE_INVALID", `${file}${line ? `:${line}` : ""}: ${detail}`, { cause, exitCode: 2 });
    this.name = "TemplateError";
    this.file = file;
    this.line = line;
  }
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
