import { readFileSync, existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { TrackerError } from "../shared/errors.ts";
import { parseConfig } from "./parse-config.ts";
import type { Config } from "./schema.ts";

export const DEFAULT_CONFIG_FILE = "ai-tracker.yaml";

/** The commented reference config: what `init` writes, and what runs when there is no config file. */
export const REFERENCE_CONFIG_PATH = fileURLToPath(new URL("./reference-config.yaml", import.meta.url));

export function referenceConfigText(): string {
  return readFileSync(REFERENCE_CONFIG_PATH, "utf8");
}

export interface LoadedConfig {
  config: Config;
  /** The file read, or "(built-in defaults)". */
  source: string;
}

/**
 * Reads the config file (or the reference config when none was named and ./ai-tracker.yaml is absent).
 * An explicitly named file that does not exist is an error, not a silent fallback.
 */
export function loadConfig(file: string | undefined, env: Readonly<Record<string, string | undefined>> = process.env): LoadedConfig {
  const path = file ?? DEFAULT_CONFIG_FILE;
  if (!existsSync(path)) {
    if (file !== undefined) throw new TrackerError("CONFIG_NOT_FOUND", `${file}: no such config file`, { exitCode: 2 });
    return { config: parseConfig(referenceConfigText(), { source: "(built-in defaults)", env }), source: "(built-in defaults)" };
  }
  return { config: parseConfig(readFileSync(path, "utf8"), { source: path, env }), source: path };
}
