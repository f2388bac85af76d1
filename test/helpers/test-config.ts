import { parseConfig } from "../../src/config/parse-config.ts";
import type { Config } from "../../src/config/schema.ts";

/** A config for tests: everything on port 0 in the given data folder, plus whatever YAML the test adds. */
export function testConfig(dataDir: string, extraYaml = ""): Config {
  return parseConfig(
    `dataDir: ${JSON.stringify(dataDir)}\nworkspace:\n  kind: local\n  port: 0\nhttp:\n  listen: 127.0.0.1:0\n${extraYaml}`,
    { source: "test-config" },
  );
}
