import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { tempDir } from "../helpers/temp-dir.ts";
import { runCli, spawnCli } from "../helpers/run-cli.ts";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function workdir(): string {
  const d = tempDir("cli-");
  cleanups.push(d.remove);
  return d.path;
}

/** A config on free ports so tests never collide with a tracker someone runs on 4000/4001. */
function writeTestConfig(dir: string): string {
  const file = join(dir, "ai-tracker.yaml");
  writeFileSync(file, "workspace:\n  kind: local\n  port: 0\nhttp:\n  listen: 127.0.0.1:0\nlog:\n  level: info\nservices:\n  - name: ollama\n    kind: ollama\n  - name: mlx\n    kind: mlx\n    url: http://127.0.0.1:8002\n");
  return file;
}

describe("ai-tracker init and check-config", () => {
  it("init writes a commented config that check-config accepts", async () => {
    const dir = workdir();
    const init = await runCli(["init"], dir);
    expect(init.code).toBe(0);
    const text = readFileSync(join(dir, "ai-tracker.yaml"), "utf8");
    expect(text).toMatch(/^# /m);
    for (const name of ["mlx", "ollama", "lmstudio", "lfm2", "candle", "whisper", "tts", "vision", "dspy", "a2a", "host"]) expect(text).toContain(`name: ${name}`);
    const check = await runCli(["check-config"], dir);
    expect(check.code).toBe(0);
    expect(check.stdout).toContain("ok (14 services");
  });

  it("init refuses to overwrite an existing file without --force", async () => {
    const dir = workdir();
    writeFileSync(join(dir, "ai-tracker.yaml"), "dataDir: ./mine\n");
    const again = await runCli(["init"], dir);
    expect(again.code).toBe(2);
    expect(readFileSync(join(dir, "ai-tracker.yaml"), "utf8")).toBe("dataDir: ./mine\n");
  });

  it("check-config lists every problem as path: message and exits 2", async () => {
    const dir = workdir();
    writeFileSync(join(dir, "bad.yaml"), "services:\n  - name: a\n    kind: warp\n  - name: a\n    kind: ollama\n    url: 11434\nprobe:\n  timeout: soon\n");
    const r = await runCli(["check-config", "bad.yaml"], dir);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^services\.0\.kind: unknown service kind/),
        expect.stringMatching(/^services\.1\.name: duplicate service name "a"/),
        expect.stringMatching(/^services\.1\.url: /),
        expect.stringMatching(/^probe\.timeout: /),
      ]),
    );
  });

  it("a missing named config file is bad input (exit 2)", async () => {
    const r = await runCli(["status", "--config", "nope.yaml"], workdir());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("nope.yaml: no such config file");
  });

  it("an unknown command or flag is bad input (exit 2)", async () => {
    const dir = workdir();
    expect((await runCli(["frobnicate"], dir)).code).toBe(2);
    const r = await runCli(["status", "--jsn"], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--jsn");
  });
});

describe("ai-tracker start, status and requirement new", () => {
  it("start creates the workspace, status reads it while running and after Ctrl-C", async () => {
    const dir = workdir();
    writeTestConfig(dir);
    const tracker = spawnCli(["start"], dir);
    cleanups.push(() => tracker.child.kill("SIGKILL"));
    await tracker.waitFor(/"msg":"tracker started"/);

    const status = await runCli(["status", "--json"], dir);
    // The configured services are not running here, so evidence may already say so (exit 1), never bad input.
    expect([0, 1]).toContain(status.code);
    const report = JSON.parse(status.stdout);
    expect(report.workspace).toEqual({ kind: "local" });
    expect(report.databases.map((d: { name: string }) => d.name)).toEqual(["Requirements", "Services", "Health", "Benchmarks", "Incidents", "Evidence"]);
    expect(report.requirements.map((r: { id: string }) => r.id)).toEqual(["FR-001", "FR-002", "FR-003", "FR-004", "FR-005"]);
    for (const r of report.requirements) expect(["Verified", "Degraded", "Failing", "Unverified", "Invalid"]).toContain(r.status);

    const added = await runCli(["requirement", "new", "--template", "ai-service", "--id", "FR-006", "--title", "Ollama chat", "--service", "ollama"], dir);
    expect(added.code, added.stderr).toBe(0);
    const dup = await runCli(["requirement", "new", "--id", "FR-006", "--title", "again", "--service", "ollama"], dir);
    expect(dup.code).toBe(2);
    expect(dup.stderr).toContain("FR-006 already exists");

    tracker.child.kill("SIGINT");
    expect(await tracker.exited).toBe(0);
    expect(tracker.output()).toContain('"msg":"stopped"');
    expect(existsSync(join(dir, "data", "tracker.lock"))).toBe(false);

    const table = await runCli(["status"], dir);
    expect([0, 1]).toContain(table.code);
    expect(table.stdout).toMatch(/FR-006\s+\w+\s+\S+\s+Ollama chat/);
  });

  it("status before any start says to start first", async () => {
    const dir = workdir();
    writeTestConfig(dir);
    const r = await runCli(["status"], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("run `ai-tracker start`");
  });

  it("requirement new without a running tracker writes to the data folder directly", async () => {
    const dir = workdir();
    writeTestConfig(dir);
    const r = await runCli(["requirement", "new", "--template", "service-health", "--id", "FR-010", "--title", "MLX health", "--service", "mlx"], dir);
    expect(r.code, r.stderr).toBe(0);
    const status = JSON.parse((await runCli(["status", "--json"], dir)).stdout);
    expect(status.requirements.map((x: { id: string }) => x.id)).toEqual(["FR-010"]);
  });

  it("requirement new refuses an unknown service before touching the data folder", async () => {
    const dir = workdir();
    writeTestConfig(dir);
    const r = await runCli(["requirement", "new", "--id", "FR-010", "--title", "t", "--service", "gpt4"], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--service: no service named "gpt4"');
    expect(existsSync(join(dir, "data"))).toBe(false);
  });
});
