import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { startFakeAppFlowy, type FakeAppFlowy } from "../helpers/fake-appflowy/index.ts";
import { tempDir } from "../helpers/temp-dir.ts";

const SCRIPT = fileURLToPath(new URL("./fixtures/outbox-writer.ts", import.meta.url));
const COUNT = 300;

function run(args: string[]): { child: ChildProcess; events: Record<string, unknown>[]; exited: Promise<number | null>; stderr: () => string } {
  const child = spawn(process.execPath, ["--import", "tsx", SCRIPT, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  const events: Record<string, unknown>[] = [];
  let err = "";
  let buffered = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split("\n");
    buffered = lines.pop()!;
    for (const line of lines) if (line.trim()) events.push(JSON.parse(line) as Record<string, unknown>);
  });
  child.stderr!.on("data", (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, events, exited, stderr: () => err };
}

let fake: FakeAppFlowy | undefined;
const dir = tempDir();
afterEach(async () => {
  await fake?.stop();
});

describe("outbox crash safety", () => {
  it("a writer killed with SIGKILL mid-replay loses nothing and doubles nothing once restarted", async () => {
    fake = await startFakeAppFlowy({ latencyMs: 4 });
    const store = join(dir.path, "store.sqlite");
    const first = run([store, fake.url, String(COUNT), "queue"]);
    await expect.poll(() => first.events.some((e) => e.event === "queued"), { timeout: 60_000, interval: 20 }).toBe(true);
    await expect.poll(() => fake!.gridRows("Requirements").length, { timeout: 60_000, interval: 5 }).toBeGreaterThanOrEqual(COUNT / 5);
    first.child.kill("SIGKILL");
    expect(await first.exited).toBeNull();
    const sentBeforeKill = fake.gridRows("Requirements").length;
    expect(sentBeforeKill).toBeLessThan(COUNT);

    const left = new Database(store, { readonly: true });
    const pending = (left.prepare("SELECT count(*) AS n FROM outbox WHERE state = 'pending'").get() as { n: number }).n;
    left.close();
    expect(pending).toBeGreaterThan(0);
    expect(pending + sentBeforeKill).toBeGreaterThanOrEqual(COUNT);

    const second = run([store, fake.url, String(COUNT), "resume"]);
    expect(await second.exited, second.stderr()).toBe(0);
    const rows = fake.gridRows("Requirements");
    expect(rows).toHaveLength(COUNT);
    expect(new Set(rows.map((r) => r.cells.ID)).size).toBe(COUNT);
    for (const r of rows) {
      const i = Number(String(r.cells.ID).slice(3));
      expect(r.cells).toMatchObject({ Title: `requirement ${i}`, Status: "Verified", Evidence: `run ${i}` });
    }
    expect(fake.lostRowOrders).toBe(0);
    expect(second.events.find((e) => e.event === "done")).toMatchObject({ pending: 0, parked: 0 });
  }, 120_000);
});
