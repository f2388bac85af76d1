import { loadConfig } from "../config/load-config.ts";
import { silentLogger } from "../shared/logger.ts";
import { AppFlowyWorkspace } from "../workspace/appflowy-cloud/index.ts";
import { inspectWorkspace } from "../workspace/appflowy-cloud/inspect-workspace.ts";
import { DATABASES } from "../workspace/databases.ts";
import type { Command } from "./command.ts";
import { CONFIG_OPTION, parseCommandArgs, writeLine } from "./parse-args.ts";

/** Exit codes: 0 nothing wrong (things to create are fine), 1 a problem a person must fix, 2 bad input. */
export const checkWorkspaceCommand: Command = {
  name: "check-workspace",
  summary: "check-workspace        log in to AppFlowy and show what the tracker would create or what is wrong, writing nothing",
  async run(ctx) {
    const { values } = parseCommandArgs(ctx.argv, { ...CONFIG_OPTION, json: { type: "boolean" } });
    const { config, source } = loadConfig(values.config, ctx.env);
    if (config.workspace.kind !== "appflowy") {
      writeLine(ctx.stderr, `${source}: workspace.kind is "${config.workspace.kind}"; check-workspace checks an AppFlowy workspace (workspace: {kind: appflowy, url, email, password, workspace})`);
      return 2;
    }
    const workspace = new AppFlowyWorkspace({ config: config.workspace, fetch, logger: silentLogger() });
    try {
      const lines = await inspectWorkspace(workspace, config.workspace, DATABASES);
      const problems = lines.filter((l) => l.level === "problem").length;
      if (values.json) {
        writeLine(ctx.stdout, JSON.stringify({ url: config.workspace.url, workspace: config.workspace.workspace, checks: lines, problems }));
      } else {
        for (const l of lines) writeLine(ctx.stdout, `${l.level.padEnd(8)} ${l.text}`);
        const creates = lines.filter((l) => l.level === "create").length;
        writeLine(ctx.stdout, problems > 0 ? `${problems} problem(s): fix them in AppFlowy or the config` : creates > 0 ? `ready: ${creates} thing(s) will be created on start` : "ready: nothing to create");
      }
      return problems > 0 ? 1 : 0;
    } finally {
      await workspace.close();
    }
  },
};
