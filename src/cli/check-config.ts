import { loadConfig } from "../config/load-config.ts";
import { ConfigError } from "../shared/errors.ts";
import type { Command } from "./command.ts";
import { parseCommandArgs, writeLine } from "./parse-args.ts";

export const checkConfigCommand: Command = {
  name: "check-config",
  summary: "check-config [FILE]   validate a config file; every problem is listed as path: message",
  async run(ctx) {
    const { values, positionals } = parseCommandArgs(ctx.argv, { config: { type: "string", short: "c" } }, true);
    const file = positionals[0] ?? values.config;
    try {
      const { config, source } = loadConfig(file, ctx.env);
      writeLine(ctx.stdout, `${source}: ok (${config.services.length} services, workspace ${config.workspace.kind})`);
      return 0;
    } catch (err) {
      if (err instanceof ConfigError) {
        for (const issue of err.issues) writeLine(ctx.stderr, `${issue.path}: ${issue.message}`);
        writeLine(ctx.stderr, `${err.issues.length} problem(s) in ${file ?? "ai-tracker.yaml"}`);
        return 2;
      }
      throw err;
    }
  },
};
