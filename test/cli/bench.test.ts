import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "../../scripts/simulators/index.ts";
import { runCli } from "../helpers/run-cli.ts";
import { tempDir } from "../helpers/temp-dir.ts";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(): Promise<{ dir: string; ollama: Simulator }> {
  const dir = tempDir("bench-cli-");
  cleanups.push(dir.remove);
  const ollama = await startSimulator("ollama", { tokenDelayMs: 1 });
  cleanups.push(() => ollama.close());
  writeFileSync(join(dir.path, "ai-tracker.yaml"), `services:\n  - name: ollama\n    kind: ollama\n    url: ${ollama.url}\n  - name: dspy\n    kind: process\n    match: dspy\n`);
  return { dir: dir.path, ollama };
}

describe("ai-tracker bench", () => {
  it("measures an Ollama's latency, time to first token and tokens/s with its native timings", async () => {
    const { dir } = await setup();
    const r = await runCli(["bench", "--json"], dir);
    expect(r.code, r.stderr).toBe(0);
    const { runs } = JSON.parse(r.stdout);
    expect(runs).toHaveLength(1);
    const metrics = Object.fromEntries(runs[0].measurements.map((m: { metric: string; value: number }) => [m.metric, m.value]));
    expect(Object.keys(metrics)).toEqual(expect.arrayContaining(["latency_p50_ms", "latency_p95_ms", "ttft_ms", "tokens_per_s"]));
    expect(metrics.tokens_per_s).toBeGreaterThan(0);
  });

  it("exits 1 and says why when the service is down", async () => {
    const { dir, ollama } = await setup();
    await ollama.setMode("down");
    const r = await runCli(["bench"], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/ollama\s+skipped\s+down at the last probe/);
  });

  it("refuses an unknown --service with exit 2", async () => {
    const { dir } = await setup();
    const r = await runCli(["bench", "--service", "gpt"], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--service: no service named "gpt"');
  });
});
