import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "../../scripts/simulators/index.ts";
import { main } from "../../src/cli/main.ts";
import { tempDir } from "../helpers/temp-dir.ts";

function capture(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { stream, text: () => chunks.join("") };
}

async function runProbeCommand(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = capture();
  const err = capture();
  const code = await main(["probe", ...argv], { stdout: out.stream, stderr: err.stream, env: {}, stopSignal: new Promise(() => {}) });
  return { code, stdout: out.text(), stderr: err.text() };
}

describe("ai-tracker probe", () => {
  const dir = tempDir("probe-cli-");
  let ollama: Simulator;
  let lmstudio: Simulator;
  let config: string;

  beforeAll(async () => {
    ollama = await startSimulator("ollama", { models: ["llama3.2:latest", "qwen2.5:7b"], loaded: ["llama3.2:latest"] });
    lmstudio = await startSimulator("lmstudio", { models: ["qwen/qwen3-8b"], loaded: [] });
    config = join(dir.path, "ai-tracker.yaml");
    writeFileSync(
      config,
      [
        "probe:",
        "  timeout: 5s",
        "services:",
        "  - name: ollama",
        "    kind: ollama",
        `    url: ${ollama.url}`,
        "  - name: lmstudio",
        "    kind: lmstudio",
        `    url: ${lmstudio.url}`,
        "    models: [qwen/qwen3-8b]",
        "",
      ].join("\n"),
    );
  });
  afterAll(async () => {
    await Promise.all([ollama.close(), lmstudio.close()]);
    dir.remove();
  });

  it("probe --json prints exactly the documented shape for every service", async () => {
    const { code, stdout } = await runProbeCommand(["--config", config, "--json"]);
    const report = JSON.parse(stdout) as { services: Record<string, unknown>[] };
    expect(Object.keys(report)).toEqual(["services"]);
    expect(report.services.map((s) => Object.keys(s))).toEqual([
      ["name", "kind", "url", "status", "latencyMs", "models", "version", "detail"],
      ["name", "kind", "url", "status", "latencyMs", "models", "version", "detail"],
    ]);
    expect(report.services[0]).toMatchObject({
      name: "ollama",
      kind: "ollama",
      url: ollama.url,
      status: "up",
      models: { loaded: ["llama3.2:latest"], available: ["llama3.2:latest", "qwen2.5:7b"] },
      version: "0.13.0",
    });
    expect(report.services[1]).toMatchObject({ name: "lmstudio", status: "cold", models: { loaded: [], available: ["qwen/qwen3-8b"] } });
    expect(code).toBe(1);
  });

  it("probe --service NAME probes only that service and exits 0 when it is up", async () => {
    const { code, stdout } = await runProbeCommand(["--config", config, "--json", "--service", "ollama"]);
    expect((JSON.parse(stdout) as { services: { name: string }[] }).services.map((s) => s.name)).toEqual(["ollama"]);
    expect(code).toBe(0);
  });

  it("probe prints a table with a row per service", async () => {
    const { stdout } = await runProbeCommand(["--config", config]);
    const lines = stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^SERVICE\s+KIND\s+STATUS\s+LATENCY\s+MODELS\s+VERSION\s+DETAIL$/);
    expect(lines[2]).toMatch(/^ollama\s+ollama\s+up\s+\d+ ms\s+1\/2 llama3\.2:latest\s+0\.13\.0\s+Ollama 0\.13\.0/);
    expect(lines[3]).toMatch(/^lmstudio\s+lmstudio\s+cold\s+/);
  });

  it.each([
    { name: "the config file does not exist", argv: ["--config", "/no/such/ai-tracker.yaml"], stderr: /no such config file/ },
    { name: "an unknown service is named", argv: ["--service", "nope"], stderr: /no service named "nope"/ },
    { name: "an unknown flag is given", argv: ["--verbose"], stderr: /Unknown option '--verbose'/ },
  ])("probe exits 2 with a message when $name", async ({ argv, stderr }) => {
    const withConfig = argv[0] === "--config" ? argv : ["--config", config, ...argv];
    const r = await runProbeCommand(withConfig);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(stderr);
  });

  it("probe exits 2 and lists the problems when the config is invalid", async () => {
    const bad = join(dir.path, "bad.yaml");
    writeFileSync(bad, "services:\n  - name: x\n    kind: ollama\n    url: not-a-url\n");
    const r = await runProbeCommand(["--config", bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/services\.0\.url/);
  });
});
