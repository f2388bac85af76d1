// Time from `ai-tracker start` to "workspace ready" and RSS after start, median of several runs, against a
// baseline of a bare `node` process in the same run. Usage: node --import tsx scripts/bench/startup.ts [runs]
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const BIN = join(import.meta.dirname, "../../bin/ai-tracker.mjs");
const runs = Number(process.argv[2] ?? 7);

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

async function once(cwd: string): Promise<{ readyMs: number; startedMs: number; rssMb: number }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [BIN, "start"], { cwd, stdio: ["ignore", "ignore", "pipe"] });
  let out = "";
  let readyMs = 0;
  let startedMs = 0;
  await new Promise<void>((resolve, reject) => {
    child.stderr.on("data", (d) => {
      out += d;
      if (!readyMs && out.includes('"msg":"workspace ready"')) readyMs = performance.now() - t0;
      if (!startedMs && out.includes('"msg":"tracker started"')) {
        startedMs = performance.now() - t0;
        resolve();
      }
    });
    child.on("exit", (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
  await new Promise((r) => setTimeout(r, 2000));
  const rss = rssMb(child.pid!);
  child.kill("SIGINT");
  await new Promise((r) => child.on("exit", r));
  return { readyMs, startedMs, rssMb: rss };
}

async function baseline(): Promise<{ ms: number; rssMb: number }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, ["-e", "process.stdout.write('up\\n'); setTimeout(() => {}, 1e6)"], { stdio: ["ignore", "pipe", "ignore"] });
  await new Promise<void>((r) => child.stdout.once("data", () => r()));
  const ms = performance.now() - t0;
  await new Promise((r) => setTimeout(r, 500));
  const rss = rssMb(child.pid!);
  child.kill();
  return { ms, rssMb: rss };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const dir = mkdtempSync(join(tmpdir(), "startup-bench-"));
// Ephemeral ports so the bench never fights a tracker already running on 4000/4001.
writeFileSync(join(dir, "ai-tracker.yaml"), readFileSync(join(import.meta.dirname, "../../src/config/reference-config.yaml"), "utf8").replace("port: 4001", "port: 0").replace("listen: 127.0.0.1:4000", "listen: 127.0.0.1:0"));
try {
  const fresh = await once(dir);
  const restarts = [];
  for (let i = 0; i < runs; i++) restarts.push(await once(dir));
  const bases = [];
  for (let i = 0; i < runs; i++) bases.push(await baseline());
  console.log(`fresh data folder: workspace ready ${fresh.readyMs.toFixed(0)} ms, started ${fresh.startedMs.toFixed(0)} ms, RSS ${fresh.rssMb.toFixed(1)} MB`);
  console.log(`restart (median of ${runs}): workspace ready ${median(restarts.map((r) => r.readyMs)).toFixed(0)} ms, started ${median(restarts.map((r) => r.startedMs)).toFixed(0)} ms, RSS ${median(restarts.map((r) => r.rssMb)).toFixed(1)} MB`);
  console.log(`baseline bare node (median of ${runs}): first output ${median(bases.map((b) => b.ms)).toFixed(0)} ms, RSS ${median(bases.map((b) => b.rssMb)).toFixed(1)} MB`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
