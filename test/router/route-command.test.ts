import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_REPLY, startSimulator, type Simulator } from "../../scripts/simulators/index.ts";
import { routeCommand } from "../../src/cli/route.ts";
import { tempDir } from "../helpers/temp-dir.ts";

let sim: Simulator;
let dir: ReturnType<typeof tempDir>;
let configFile: string;

beforeAll(async () => {
  sim = await startSimulator("mlx", { tokenDelayMs: 0, loadMs: 1 });
  dir = tempDir("ai-tracker-route-");
  configFile = join(dir.path, "ai-tracker.yaml");
  writeFileSync(
    configFile,
    `dataDir: ${JSON.stringify(join(dir.path, "data"))}
services:
  - { name: mlx, kind: mlx, url: "${sim.url}", models: [mlx-community/Llama-3.2-3B-Instruct-4bit] }
router:
  timeouts: { connect: 500ms, firstByte: 2s }
`,
  );
});

afterAll(async () => {
  await sim?.close();
  dir?.remove();
});

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const sink = (append: (s: string) => void) => new Writable({ write: (c, _e, done) => (append(String(c)), done()) });
  const code = await routeCommand.run({
    argv,
    stdout: sink((s) => (stdout += s)),
    stderr: sink((s) => (stderr += s)),
    env: {},
    stopSignal: new Promise(() => undefined),
  });
  return { code, stdout, stderr };
}

describe("ai-tracker route", () => {
  it("routeCommand prints the tier, the backend, attempts, timings and the answer", async () => {
    const { code, stdout } = await run(["Why is the sky blue?", "--config", configFile]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^tier {6}fast \(complexity 1: reasoning:1\)$/m);
    expect(stdout).toMatch(/^backend {3}mlx \(model mlx-community\/Llama-3\.2-3B-Instruct-4bit\), 1 attempt$/m);
    expect(stdout).toMatch(/^timings {3}total [\d.]+ ms · backend [\d.]+ ms · router [\d.]+ ms$/m);
    expect(stdout.trim().endsWith(DEFAULT_REPLY)).toBe(true);
  });

  it("routeCommand --json prints one machine-readable object", async () => {
    const { code, stdout } = await run(["hello", "--config", configFile, "--json", "--model", "mlx"]);
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(out).toMatchObject({ tier: "named", complexity: null, backend: "mlx", attempts: 1, answer: DEFAULT_REPLY });
    expect(out.timings.totalMs).toBeGreaterThan(0);
    expect(out.timings.routerMs).toBeGreaterThanOrEqual(0);
  });

  it.each([
    { name: "an unknown model exits 2", argv: ["hi", "--model", "nope"], code: 2, stream: "stderr", match: /"nope" is not served/ },
    { name: "a missing prompt is a usage error", argv: [], code: 2, stream: "thrown", match: /give a prompt/ },
  ])("routeCommand: $name", async ({ argv, code, stream, match }) => {
    if (stream === "thrown") {
      await expect(run([...argv, "--config", configFile])).rejects.toMatchObject({ exitCode: code, message: expect.stringMatching(match) });
      return;
    }
    const res = await run([...argv, "--config", configFile]);
    expect(res.code).toBe(code);
    expect(res.stderr).toMatch(match);
  });

  it("routeCommand exits 1 and says why when the backend is down", async () => {
    await sim.setMode("error-500");
    try {
      const res = await run(["hi", "--config", configFile, "--json"]);
      expect(res.code).toBe(1);
      expect(JSON.parse(res.stdout).error).toMatchObject({ status: 502, backend: "mlx", attempts: 1 });
      // A model the backend's list would have to vouch for: the list cannot be read, so it is a 503, not a 404.
      const unknown = await run(["hi", "--config", configFile, "--model", "nope"]);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toMatch(/the model lists of mlx could not be read/);
    } finally {
      await sim.setMode("up");
    }
  });
});
