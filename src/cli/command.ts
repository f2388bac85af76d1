import type { Writable } from "node:stream";

/** What every command gets: its arguments and where to print. Commands return their exit code. */
export interface CommandContext {
  /** Arguments after the command name. */
  argv: string[];
  stdout: Writable;
  stderr: Writable;
  env: Readonly<Record<string, string | undefined>>;
  /** Resolves when the user asks the process to stop (Ctrl-C); long-running commands await it. */
  stopSignal: Promise<void>;
}

export interface Command {
  name: string;
  /** One line for `ai-tracker --help`. */
  summary: string;
  run(ctx: CommandContext): Promise<number>;
}
