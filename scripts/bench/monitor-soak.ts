// Tracker CPU and RSS at the 30 s probe cadence against the simulated reference inventory. Targets: <= 1 % of one
// core and <= 120 MB RSS, with no upward trend. The tracker runs in a child process (the simulators stay here, so
// their work is not counted) and reports process.cpuUsage() and RSS every 10 s; this prints each sample, then the
// averages and least-squares trend lines.
// Usage: node --import tsx scripts/bench/monitor-soak.ts [--minutes 10] [--interval 30s] [--sample 10]
import { fork } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { buildBundle } from "../build.mjs";
import { startInventory } from "../simulators/run-inventory.ts";
import { inventoryConfig, writeConfig } from "./monitor-inventory.ts";

const { values } = parseArgs({ options: { minutes: { type: "string", default: "10" }, interval: { type: "string", default: "30s" }, sample: { type: "string", default: "10" } } });
const minutes = Number(values.minutes);
const sampleS = Number(values.sample);
if (!(minutes > 0) || !(sampleS > 0) || !/^\d+(ms|s|m)$/.test(values.interval!)) {
  console.error("usage: monitor-soak.ts [--minutes N] [--interval 30s] [--sample SECONDS]");
  process.exit(2);
}

interface Sample {
  at: number;
  cpu: { user: number; system: number };
  rss: number;
  heap: number;
}

/** Least-squares slope of y over x. */
function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

const inventory = await startInventory({ ports: "ephemeral", tokenDelayMs: 1 });
const dataDir = mkdtempSync(join(tmpdir(), "ai-tracker-soak-"));
const configPath = join(dataDir, "ai-tracker.yaml");
writeConfig(
  configPath,
  inventoryConfig(inventory, { dataDir, interval: values.interval!, openAfter: 3, resolveAfter: 2, processMatch: "monitor-soak", logLevel: "warn" }),
  "monitor-soak.ts: the reference inventory against its simulators",
);
// The tracker runs from an esbuild bundle, as `npm start` runs it (bin/ai-tracker.mjs), not under tsx.
const trackerBundle = join(import.meta.dirname, "../../dist/soak-tracker.mjs");
await buildBundle(join(import.meta.dirname, "monitor-soak-tracker.ts"), trackerBundle);
const child = fork(trackerBundle, [configPath, String(sampleS)], { execArgv: [], stdio: ["ignore", "inherit", "inherit", "ipc"] });
const samples: Sample[] = [];
let started: (() => void) | undefined;
const startedP = new Promise<void>((r) => (started = r));
child.on("message", (m: { type: string } & Partial<Sample> & { httpUrl?: string }) => {
  if (m.type === "started") {
    console.log(`tracker started (${m.httpUrl}); ${inventory.services.length} simulated services + host + process, probe interval ${values.interval}`);
    started!();
    return;
  }
  const s = m as Sample;
  samples.push(s);
  const prev = samples[samples.length - 2];
  const cpuPct = prev ? (((s.cpu.user + s.cpu.system - prev.cpu.user - prev.cpu.system) / 1000 / (s.at - prev.at)) * 100).toFixed(2) : "—";
  const t = ((s.at - samples[0]!.at) / 1000).toFixed(0).padStart(5);
  console.log(`${t} s   cpu ${cpuPct.padStart(6)} % of a core   rss ${(s.rss / 2 ** 20).toFixed(1).padStart(6)} MB   heap ${(s.heap / 2 ** 20).toFixed(1).padStart(6)} MB`);
});
child.on("exit", (code) => {
  if (code !== 0 && samples.length === 0) {
    console.error(`tracker exited with ${code}`);
    process.exit(1);
  }
});
await startedP;
await new Promise((r) => setTimeout(r, minutes * 60_000 + sampleS * 1000 + 500));
child.send({ type: "stop" });
await new Promise((r) => child.once("exit", r));
await inventory.close();
rmSync(dataDir, { recursive: true, force: true });

if (samples.length < 3) {
  console.error("too few samples for figures; run longer");
  process.exit(1);
}
const first = samples[0]!;
const last = samples[samples.length - 1]!;
const cpuAvg = ((last.cpu.user + last.cpu.system - first.cpu.user - first.cpu.system) / 1000 / (last.at - first.at)) * 100;
const mins = samples.map((s) => (s.at - first.at) / 60_000);
const rssMb = samples.map((s) => s.rss / 2 ** 20);
const heapMb = samples.map((s) => s.heap / 2 ** 20);
const cpuSeries = samples.slice(1).map((s, i) => ((s.cpu.user + s.cpu.system - samples[i]!.cpu.user - samples[i]!.cpu.system) / 1000 / (s.at - samples[i]!.at)) * 100);
// The second half shows the trend once caches, JIT and the first health windows have settled.
const half = Math.floor(samples.length / 2);
const rssTrend = slope(mins.slice(half), rssMb.slice(half));
const heapTrend = slope(mins.slice(half), heapMb.slice(half));
const cpuTrend = slope(mins.slice(1), cpuSeries);
const maxRss = Math.max(...rssMb);
// Start-up (workspace sync, first probes, JIT) passes in the first minute; the steady state is what runs for days.
const steady = rssMb.filter((_, i) => mins[i]! >= 1);
const maxSteady = steady.length > 0 ? Math.max(...steady) : maxRss;
console.log("");
console.log(`over ${((last.at - first.at) / 60_000).toFixed(1)} min at ${values.interval}:`);
console.log(`  cpu   average ${cpuAvg.toFixed(2)} % of one core (target <= 1 %)   trend ${cpuTrend >= 0 ? "+" : ""}${cpuTrend.toFixed(3)} %/min`);
console.log(`  rss   last ${rssMb[rssMb.length - 1]!.toFixed(1)} MB, max after the first minute ${maxSteady.toFixed(1)} MB (target <= 120 MB), max ${maxRss.toFixed(1)} MB   trend over the second half ${rssTrend >= 0 ? "+" : ""}${rssTrend.toFixed(2)} MB/min`);
console.log(`  heap  last ${heapMb[heapMb.length - 1]!.toFixed(1)} MB   trend over the second half ${heapTrend >= 0 ? "+" : ""}${heapTrend.toFixed(2)} MB/min`);
console.log(`  verdict: cpu ${cpuAvg <= 1 ? "within" : "OVER"} target, rss ${maxSteady <= 120 ? "within" : "OVER"} target (steady state)`);
