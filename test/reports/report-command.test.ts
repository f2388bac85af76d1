import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { STORE_FILE } from "../../src/app.ts";
import type { CommandContext } from "../../src/cli/command.ts";
import { reportCommand } from "../../src/cli/report.ts";
import { TrackerError } from "../../src/shared/errors.ts";
import { silentLogger } from "../../src/shared/logger.ts";
import { openStore } from "../../src/store/open-store.ts";
import { createWorkspace } from "../../src/workspace/create-workspace.ts";
import { tempDir } from "../helpers/temp-dir.ts";

function ctx(argv: string[]): { ctx: CommandContext; out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (c) => (out += String(c)));
  stderr.on("data", (c) => (err += String(c)));
  return { ctx: { argv, stdout, stderr, env: {}, stopSignal: new Promise(() => undefined) }, out: () => out, err: () => err };
}

describe("ai-tracker report", () => {
  let dir: ReturnType<typeof tempDir>;
  let configFile: string;
  beforeEach(() => {
    dir = tempDir();
    configFile = join(dir.path, "ai-tracker.yaml");
    writeFileSync(configFile, `dataDir: ${join(dir.path, "data")}\nworkspace:\n  kind: local\n  port: 0\nservices:\n  - name: ollama\n    kind: ollama\n`);
  });
  afterEach(() => dir.remove());

  it("report --now prints the report, writes the page, and exits 1 while an incident is open", async () => {
    const db = openStore(join(dir.path, "data", STORE_FILE));
    const now = Date.now();
    db.prepare(`INSERT INTO observations (service, kind, status, at) VALUES ('ollama', 'ollama', 'down', ?)`).run(now - 60_000);
    db.prepare(`INSERT INTO incidents (id, service, kind, severity, status, opened_at, summary) VALUES ('ollama-down-x', 'ollama', 'down', 'critical', 'open', ?, 'ollama is down: refused')`).run(now - 60_000);
    db.close();
    const c = ctx(["--now", "--config", configFile]);
    expect(await reportCommand.run(c.ctx)).toBe(1);
    expect(c.out()).toMatch(/^# Incident report \d{4}-\d{2}-\d{2}/);
    expect(c.out()).toContain("| ollama-down-x | ollama | down | critical | 🔴 open |");
    const { workspace } = await createWorkspace({ config: { kind: "local", port: 0, host: "127.0.0.1" }, dataDir: join(dir.path, "data"), mode: "snapshot", logger: silentLogger() });
    try {
      const pages = await workspace.readPages();
      expect(pages.find((p) => p.key.startsWith("incident-report-"))?.markdown).toBe(`${c.out().trimEnd()}\n`);
    } finally {
      await workspace.close();
    }
  });

  it.each([
    { name: "without --now", argv: [], code: "USAGE" },
    { name: "before the tracker has ever run", argv: ["--now"], code: "STORE_CORRUPT" },
  ])("report fails with a clear error $name", async ({ argv, code }) => {
    const c = ctx([...argv, "--config", configFile]);
    const err = await reportCommand.run(c.ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TrackerError);
    expect((err as TrackerError).code).toBe(code);
  });
});
