import { loadConfig } from "../config/load-config.ts";
import { GENERIC_TEMPLATES, requirementFromTemplate } from "../requirements/catalog.ts";
import { addRequirement } from "../requirements/add-requirement.ts";
import { TrackerError } from "../shared/errors.ts";
import { silentLogger } from "../shared/logger.ts";
import type { Command } from "./command.ts";
import { openWorkspaceForWriting } from "./open-data.ts";
import { CONFIG_OPTION, parseCommandArgs, writeLine } from "./parse-args.ts";

export const requirementCommand: Command = {
  name: "requirement",
  summary: `requirement new --template ${GENERIC_TEMPLATES.join("|")} --id FR-006 --title "..." --service NAME`,
  async run(ctx) {
    const [sub, ...rest] = ctx.argv;
    if (sub !== "new") {
      writeLine(ctx.stderr, `usage: ai-tracker ${this.summary}`);
      return 2;
    }
    const { values } = parseCommandArgs(rest, {
      ...CONFIG_OPTION,
      template: { type: "string", default: "ai-service" },
      id: { type: "string" },
      title: { type: "string" },
      service: { type: "string" },
    });
    const missing = (["id", "title", "service"] as const).filter((k) => !values[k]);
    if (missing.length > 0) throw new TrackerError("USAGE", missing.map((k) => `--${k}: required`).join("\n"), { exitCode: 2 });
    const { config } = loadConfig(values.config, ctx.env);
    const input = { template: values.template!, id: values.id!, title: values.title!, service: values.service! };
    // Check the inputs before touching the workspace, so a typo never starts a server.
    requirementFromTemplate(input, config.services.map((s) => s.name));
    const workspace = await openWorkspaceForWriting(config, silentLogger());
    try {
      await addRequirement(workspace, input, config.services.map((s) => s.name));
    } finally {
      await workspace.close();
    }
    writeLine(ctx.stdout, `added ${input.id} "${input.title}" from the ${input.template} template (Status: Unverified until evidence exists)`);
    return 0;
  },
};
