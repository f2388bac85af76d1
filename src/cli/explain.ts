import { existsSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { loadConfig } from "../config/load-config.ts";
import { evaluateRequirements } from "../evidence/evaluate-requirements.ts";
import { explanationJson, formatExplanation } from "../evidence/format-explanation.ts";
import { nearest } from "../evidence/nearest.ts";
import { readRequirements } from "../evidence/read-requirements.ts";
import { TrackerError, errorMessage } from "../shared/errors.ts";
import { silentLogger } from "../shared/logger.ts";
import { openStore, type Db } from "../store/open-store.ts";
import { WORKSPACE_FILE, createWorkspace } from "../workspace/create-workspace.ts";
import type { Workspace } from "../workspace/workspace.ts";
import type { Command } from "./command.ts";

/** The local store's file in the data folder (the same name `start` opens). */
export const STORE_FILE = "tracker.sqlite";

const USAGE = "usage: ai-tracker explain <requirement id> [--config FILE] [--json]";

/**
 * `ai-tracker explain FR-001`: evaluates one requirement now, from the data folder, and prints each criterion
 * with the data that decided it. Opens the store read-only and the workspace as a snapshot, so it works
 * whether or not `start` is running. Exit 0 when Verified, 1 otherwise, 2 for bad input.
 */
export const explainCommand: Command = {
  name: "explain",
  summary: "show each criterion of a requirement with the data that decided it",
  async run(ctx) {
    let store: Db | undefined;
    let workspace: Workspace | undefined;
    try {
      const { id, configFile, json } = parseExplainArgs(ctx.argv);
      const { config } = loadConfig(configFile, ctx.env);
      store = openStore(join(config.dataDir, STORE_FILE), { readonly: true });
      if (config.workspace.kind === "local" && !existsSync(join(config.dataDir, WORKSPACE_FILE))) {
        throw new TrackerError("WORKSPACE_UNAVAILABLE", `${join(config.dataDir, WORKSPACE_FILE)}: no workspace yet; run \`ai-tracker start\` first`);
      }
      workspace = (await createWorkspace({ config: config.workspace, dataDir: config.dataDir, mode: "snapshot", logger: silentLogger() })).workspace;
      const requirements = await readRequirements(workspace);
      const input = requirements.find((r) => r.id === id) ?? requirements.find((r) => r.id.toLowerCase() === id.toLowerCase());
      if (!input) {
        const hint = nearest(id, requirements.map((r) => r.id));
        throw new TrackerError("USAGE", `no requirement "${id}" in the workspace${hint ? `; did you mean "${hint}"?` : " (it has no requirements yet)"}`, { exitCode: 2 });
      }
      const [ev] = await evaluateRequirements([input], { store, config }, Date.now());
      ctx.stdout.write(json ? `${JSON.stringify(explanationJson(ev!), null, 2)}\n` : `${formatExplanation(ev!, input.criteria)}\n`);
      return ev!.status === "Verified" ? 0 : 1;
    } catch (err) {
      ctx.stderr.write(`ai-tracker explain: ${errorMessage(err)}\n`);
      return err instanceof TrackerError ? err.exitCode : 1;
    } finally {
      await workspace?.close().catch(() => undefined);
      store?.close();
    }
  },
};

function parseExplainArgs(argv: string[]): { id: string; configFile: string | undefined; json: boolean } {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: { config: { type: "string", short: "c" }, json: { type: "boolean" } } });
  } catch (err) {
    throw new TrackerError("USAGE", `${errorMessage(err).replace(/\. To specify a positional argument.*$/s, "")}\n${USAGE}`, { exitCode: 2 });
  }
  if (parsed.positionals.length !== 1) throw new TrackerError("USAGE", `expected one requirement id, got ${parsed.positionals.length}\n${USAGE}`, { exitCode: 2 });
  return { id: parsed.positionals[0]!, configFile: parsed.values.config, json: parsed.values.json ?? false };
}

