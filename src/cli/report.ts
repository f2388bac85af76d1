import { loadConfig } from "../config/load-config.ts";
import { incidentReportPage } from "../reports/incident-report.ts";
import { TrackerError } from "../shared/errors.ts";
import { silentLogger } from "../shared/logger.ts";
import type { Command } from "./command.ts";
import { openStoreForReading, openWorkspaceForWriting } from "./open-data.ts";
import { CONFIG_OPTION, parseCommandArgs, writeLine } from "./parse-args.ts";

/**
 * `ai-tracker report --now`: renders the incident report over reports.window from the data folder, prints it,
 * and writes it as the workspace page incident-report-<date> (through the running tracker's workspace when one
 * runs). Exit 1 when incidents are still open at the end of the window, like `status`.
 */
export const reportCommand: Command = {
  name: "report",
  summary: "report --now [--no-page]   render the incident report now, print it and write it as a workspace page",
  async run(ctx) {
    const { values } = parseCommandArgs(ctx.argv, { ...CONFIG_OPTION, now: { type: "boolean" }, "no-page": { type: "boolean" } });
    if (!values.now) {
      throw new TrackerError("USAGE", "--now: required (the scheduled report runs under `start`, on reports.incidents)", { exitCode: 2 });
    }
    const { config } = loadConfig(values.config, ctx.env);
    const store = openStoreForReading(config);
    if (!store) throw new TrackerError("STORE_CORRUPT", `${config.dataDir}: no local store yet; run \`ai-tracker start\` (or npm start) first`, { exitCode: 1 });
    let page;
    let open: number;
    try {
      page = incidentReportPage(store, config, Date.now());
      open = (store.prepare(`SELECT count(*) AS n FROM incidents WHERE status = 'open'`).get() as { n: number }).n;
    } finally {
      store.close();
    }
    writeLine(ctx.stdout, page.markdown.trimEnd());
    if (!values["no-page"]) {
      const workspace = await openWorkspaceForWriting(config, silentLogger());
      try {
        await workspace.writePage(page);
      } finally {
        await workspace.close();
      }
      writeLine(ctx.stderr, `written to the workspace as page "${page.title}" (${page.key})`);
    }
    return open > 0 ? 1 : 0;
  },
};
