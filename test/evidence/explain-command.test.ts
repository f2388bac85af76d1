import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STORE_FILE } from "../../src/app.ts";
import { explainCommand } from "../../src/cli/explain.ts";
import { silentLogger } from "../../src/shared/logger.ts";
import { openStore, type Db } from "../../src/store/open-store.ts";
import { createWorkspace, type OpenedWorkspace } from "../../src/workspace/create-workspace.ts";
import { DATABASES, REQUIREMENTS } from "../../src/workspace/databases.ts";
import { tempDir } from "../helpers/temp-dir.ts";
import { seeder } from "./seed-store.ts";

const CONFIG_YAML = (dataDir: string) => `dataDir: ${JSON.stringify(dataDir)}
workspace: { kind: local, port: 0 }
services:
  - { name: mlx, kind: mlx, url: "http://127.0.0.1:8002" }
`;

async function explain(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (d) => (out += d));
  stderr.on("data", (d) => (err += d));
  const code = await explainCommand.run({ argv, stdout, stderr, env: {}, stopSignal: new Promise(() => undefined) });
  return { code, stdout: out, stderr: err };
}

describe("explainCommand", () => {
  const dir = tempDir("ai-tracker-explain-");
  const configFile = join(dir.path, "ai-tracker.yaml");
  let opened: OpenedWorkspace;
  let db: Db;

  // The tracker is "running": its store is open for writing and its workspace is served while explain reads.
  beforeAll(async () => {
    writeFileSync(configFile, CONFIG_YAML(dir.path));
    db = openStore(join(dir.path, STORE_FILE));
    const now = Date.now();
    seeder(db).observations("mlx", now - 3_600_000 + 30_000, now, 30_000, () => ({ latencyMs: 42 }));
    opened = await createWorkspace({ config: { kind: "local", port: 0, host: "127.0.0.1" }, dataDir: dir.path, mode: "serve", logger: silentLogger() });
    for (const spec of DATABASES) await opened.workspace.ensureDatabase(spec);
    const rows: Record<string, string> = {
      "FR-001": "availability(mlx) >= 99% over 1h\nlatency.p95(mlx) < 10ms over 1h\nmodel.load_time(mlx) < 5s",
      "FR-002": "availability(mlx) >= 99% over 1h",
      "FR-003": "availability(mlx) >= 99% over 1h\n  latency.p95(mlx) < 5 parsecs",
    };
    for (const [id, criteria] of Object.entries(rows)) {
      await opened.workspace.upsertRow(REQUIREMENTS.name, id, { seed: { ID: id, Title: `Title ${id}`, Criteria: criteria } });
    }
  });
  afterAll(async () => {
    await opened.workspace.close();
    db.close();
    dir.remove();
  });

  it("explain prints each criterion with its window, samples, newest sample, value, threshold and result", async () => {
    const r = await explain("FR-001", "--config", configFile);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^FR-001 Title FR-001\nDegraded: 1 of 3 pass, 1 fail, 1 unverified\nevaluated \S+Z\n\n/);
    expect(r.stdout).toMatch(/🟢 availability\(mlx\) >= 99% over 1h\n {3}source probe · window 1h · 120 sample\(s\), newest \S+Z \(\S+ ago, may be 1.5m\)\n {3}measured 100% vs threshold >= 99% → pass\n {3}120 checks, 0 failed/);
    expect(r.stdout).toMatch(/🔴 latency.p95\(mlx\) < 10ms over 1h\n.*\n {3}measured 42ms vs threshold < 10ms → fail/);
    expect(r.stdout).toMatch(/⚪ model.load_time\(mlx\) < 5s\n {3}source benchmark · window 24h · no data\n {3}→ unverified\n {3}unverified: no load_time_ms benchmark of mlx in 1d/);
  });

  it("explain exits 0 for a Verified requirement", async () => {
    const r = await explain("FR-002", "-c", configFile);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^FR-002 Title FR-002\nVerified: the criterion passes on fresh evidence\n/);
  });

  it("explain --json prints the data that decided each criterion", async () => {
    const r = await explain("FR-001", "--config", configFile, "--json");
    const json = JSON.parse(r.stdout);
    expect(json).toMatchObject({ id: "FR-001", status: "Degraded", errors: [] });
    expect(json.criteria[0]).toMatchObject({ criterion: "availability(mlx) >= 99% over 1h", source: "probe", window: "1h", samples: 120, value: 100, measured: "100%", threshold: ">= 99%", result: "pass", maxAge: "1.5m" });
    expect(Date.parse(json.criteria[0].latestAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(json.criteria[2]).toMatchObject({ result: "unverified", latestAt: null, value: null });
  });

  it("explain shows a parse error with its line:col and a caret under it", async () => {
    const r = await explain("FR-003", "--config", configFile);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`⛔ line 2:24: unknown unit "parsecs" (units: ms MB GB s m h %)\n     latency.p95(mlx) < 5 parsecs\n   ${" ".repeat(23)}^\n`);
  });

  it.each([
    { name: "an unknown requirement", argv: ["FR-011"], code: 2, stderr: /no requirement "FR-011" in the workspace; did you mean "FR-001"\?/ },
    { name: "no requirement id", argv: [], code: 2, stderr: /expected one requirement id, got 0\nusage: ai-tracker explain/ },
    { name: "an unknown flag", argv: ["FR-001", "--verbose"], code: 2, stderr: /Unknown option '--verbose'/ },
    { name: "a missing config file", argv: ["FR-001", "--config", "/nonexistent/ai-tracker.yaml"], code: 2, stderr: /no such config file/ },
  ])("explain exits $code on $name", async ({ argv, code, stderr }) => {
    const r = await explain(...argv, ...(argv.includes("--config") ? [] : ["--config", configFile]));
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(stderr);
    expect(r.stdout).toBe("");
  });

  it("explain exits 1 and says so when the data folder has no store yet", async () => {
    const empty = tempDir("ai-tracker-explain-empty-");
    try {
      const file = join(empty.path, "ai-tracker.yaml");
      writeFileSync(file, CONFIG_YAML(empty.path));
      const r = await explain("FR-001", "--config", file);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/no local store yet; run `ai-tracker start` first/);
    } finally {
      empty.remove();
    }
  });
});
