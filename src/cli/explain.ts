import { loadConfig } from "../config/load-config.ts";
import { explainRequirement } from "../evidence/explain-requirement.ts";
import { explanationJson, formatExplanation } from "../evidence/format-explanation.ts";
import { nearest } from "../evidence/nearest.ts";
import { TrackerError, errorMessage } from "../shared/errors.ts";
import { silentLogger } from "../shared/logger.ts";
import type { Db } from "../store/open-store.ts";
import type { Workspace } from "../workspace/workspace.ts";
import type { Command } from "./command.ts";
import { openStoreForReading, openWorkspaceForReading } from "./open-data.ts";
import { CONFIG_OPTION, parseCommandArgs, writeLine } from "./parse-args.ts";

const USAGE = "usage: ai-tracker explain <requirement id> [--config FILE] [--json]";

/**
 * `ai-tracker explain FR-001`: evaluates one requirement now, from the data folder, and prints each criterion
 * with the data that decided it. Opens the store read-only and the workspace as a snapshot, so it works
 * whether or not `start` is running. Exit 0 when Verified, 1 otherwise, 2 for bad input.
 */
export const explainCommand: Command = {
  name: "explain",
  summary: "explain FR-001 [--json]   each criterion of a requirement with the data that decided it",
  async run(ctx) {
    let store: Db | undefined;
    let workspace: Workspace | undefined;
    try {
      const { values, positionals } = parseCommandArgs(ctx.argv, { ...CONFIG_OPTION, json: { type: "boolean" } }, true);
      if (positionals.length !== 1) throw new TrackerError("USAGE", `expected one requirement id, got ${positionals.length}\n${USAGE}`, { exitCode: 2 });
      const id = positionals[0]!;
      const { config } = loadConfig(values.config, ctx.env);
      store = openStoreForReading(config);
      if (!store) throw new TrackerError("STORE_CORRUPT", `${config.dataDir}: no local store yet; run \`ai-tracker start\` first`);
      workspace = await openWorkspaceForReading(config, silentLogger());
      const explained = await explainRequirement({ workspace, store, config }, id, Date.now());
      if (!explained.input) {
        const hint = nearest(id, explained.ids);
        throw new TrackerError("USAGE", `no requirement "${id}" in the workspace${hint ? `; did you mean "${hint}"?` : " (it has no requirements yet)"}`, { exitCode: 2 });
      }
      const { input, evaluation: ev } = explained;
      writeLine(ctx.stdout, values.json ? JSON.stringify(explanationJson(ev), null, 2) : formatExplanation(ev, input.criteria));
      return ev.status === "Verified" ? 0 : 1;
    } catch (err) {
      writeLine(ctx.stderr, `ai-tracker explain: ${errorMessage(err)}`);
      return err instanceof TrackerError ? err.exitCode : 1;
    } finally {
      await workspace?.close().catch(() => undefined);
      store?.close();
    }
  },
};
