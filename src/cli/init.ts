import { existsSync, writeFileSync } from "node:fs";
import { DEFAULT_CONFIG_FILE, referenceConfigText } from "../config/load-config.ts";
import type { Command } from "./command.ts";
import { parseCommandArgs, writeLine } from "./parse-args.ts";

export const initCommand: Command = {
  name: "init",
  summary: "init [FILE] [--force]   write a commented ai-tracker.yaml describing the reference inventory",
  async run(ctx) {
    const { values, positionals } = parseCommandArgs(ctx.argv, { force: { type: "boolean" }, config: { type: "string", short: "c" } }, true);
    const file = positionals[0] ?? values.config ?? DEFAULT_CONFIG_FILE;
    if (existsSync(file) && !values.force) {
      writeLine(ctx.stderr, `${file} already exists; pass --force to overwrite it`);
      return 2;
    }
    writeFileSync(file, referenceConfigText());
    writeLine(ctx.stdout, `wrote ${file}: edit the services to match your machine, then \`ai-tracker check-config ${file}\``);
    return 0;
  },
};
