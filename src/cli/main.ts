import { TrackerError } from "../shared/errors.ts";
import { benchCommand } from "./bench.ts";
import { checkConfigCommand } from "./check-config.ts";
import { checkWorkspaceCommand } from "./check-workspace.ts";
import { explainCommand } from "./explain.ts";
import type { Command, CommandContext } from "./command.ts";
import { initCommand } from "./init.ts";
import { probeCommand } from "./probe.ts";
import { writeLine } from "./parse-args.ts";
import { reportCommand } from "./report.ts";
import { requirementCommand } from "./requirement.ts";
import { routeCommand } from "./route.ts";
import { startCommand } from "./start.ts";
import { statusCommand } from "./status.ts";

/** Every command, keyed by its own name. */
export const COMMANDS: ReadonlyMap<string, Command> = new Map(
  [
    startCommand,
    statusCommand,
    explainCommand,
    probeCommand,
    routeCommand,
    benchCommand,
    reportCommand,
    requirementCommand,
    initCommand,
    checkConfigCommand,
    checkWorkspaceCommand,
  ].map((c) => [c.name, c] as const),
);

function usage(): string {
  return ["usage: ai-tracker <command> [options]   (every command takes --config FILE)", "", ...[...COMMANDS.values()].map((c) => `  ${c.summary}`)].join("\n");
}

/** Runs one command; returns the exit code: 0 all well, 1 something down or failing, 2 bad input. */
export async function main(argv: string[], overrides: Partial<CommandContext> = {}): Promise<number> {
  const [name, ...rest] = argv;
  const stdout = overrides.stdout ?? process.stdout;
  const stderr = overrides.stderr ?? process.stderr;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    writeLine(name ? stdout : stderr, usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS.get(name);
  if (!command) {
    writeLine(stderr, `unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  const ctx: CommandContext = {
    argv: rest,
    stdout,
    stderr,
    env: overrides.env ?? process.env,
    stopSignal: overrides.stopSignal ?? stopOnSignals(),
  };
  try {
    return await command.run(ctx);
  } catch (err) {
    if (err instanceof TrackerError) {
      writeLine(stderr, `ai-tracker ${name}: ${err.message}`);
      return err.exitCode;
    }
    writeLine(stderr, `ai-tracker ${name}: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return 1;
  }
}

/** Resolves on the first SIGINT or SIGTERM; a second one exits at once. */
function stopOnSignals(): Promise<void> {
  return new Promise((resolve) => {
    let asked = false;
    const onSignal = () => {
      if (asked) process.exit(130);
      asked = true;
      resolve();
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  });
}
