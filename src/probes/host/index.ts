import { readFile, statfs } from "node:fs/promises";
import os from "node:os";
import type { ProbeContext, ProbeKind, ProbeResult } from "../probe-kind.ts";
import { probeResult } from "../shared/probe-result.ts";
import { runCommand } from "../shared/run-command.ts";
import { cpuPercent, diskUsedPercent, overThresholds, parseMeminfo, parseNvidiaSmi, parseProcStat, type CpuTimes, type HostReadings } from "./host-readings.ts";
import { HostTargetSchema, type HostTarget } from "./schema.ts";

const MB = 1024 * 1024;
/** With no earlier sample (or a stale one), CPU use is measured over this short window. */
const CPU_WINDOW_MS = 250;
const STALE_SAMPLE_MS = 10 * 60_000;

/** The previous /proc/stat sample per host target, so each probe measures CPU over the time since the last one. */
const lastCpu = new Map<string, { at: number; times: CpuTimes }>();

/**
 * The machine itself: CPU, memory, disk (of `diskPath`) and GPU memory (nvidia-smi, when present). A reading
 * over its threshold makes the host degraded, with the reason in the detail.
 */
async function run(target: HostTarget, ctx: ProbeContext): Promise<ProbeResult> {
  const started = ctx.now();
  const problems: string[] = [];
  const readings: HostReadings = {};
  const metrics: Record<string, number> = {};

  const cpu = await readCpu(target.name, ctx);
  if (cpu !== null) readings["cpu.used_pct"] = cpu;
  metrics["load.1m"] = Math.round(os.loadavg()[0]! * 100) / 100;

  const mem = parseMeminfo(await readFile("/proc/meminfo", "utf8").catch(() => "")) ?? { totalBytes: os.totalmem(), availableBytes: os.freemem() };
  readings["memory.used_pct"] = Math.round(((mem.totalBytes - mem.availableBytes) / mem.totalBytes) * 1000) / 10;
  readings["memory.available_mb"] = Math.round(mem.availableBytes / MB);
  metrics["memory.total_mb"] = Math.round(mem.totalBytes / MB);

  try {
    const s = await statfs(target.diskPath);
    const used = diskUsedPercent(s);
    if (used !== null) readings["disk.used_pct"] = used;
    metrics["disk.free_mb"] = Math.round((s.bavail * s.bsize) / MB);
  } catch (err) {
    problems.push(`cannot read disk usage of ${target.diskPath}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }

  const smi = await runCommand(["nvidia-smi", "--query-gpu=memory.used,memory.total", "--format=csv,noheader,nounits"], {
    timeoutMs: Math.min(ctx.timeoutMs, 3000),
    signal: ctx.signal,
    now: ctx.now,
  });
  if (smi.exitCode === 0) {
    const gpus = parseNvidiaSmi(smi.stdout);
    if (gpus.length > 0) {
      const used = gpus.reduce((n, g) => n + g.usedMb, 0);
      const total = gpus.reduce((n, g) => n + g.totalMb, 0);
      readings["gpu.memory.used_pct"] = Math.round((used / total) * 1000) / 10;
      metrics["gpu.memory.used_mb"] = used;
      metrics["gpu.memory.total_mb"] = total;
      metrics["gpu.count"] = gpus.length;
    }
  } else if (!/not found on PATH/.test(smi.problem ?? "")) {
    // No nvidia-smi means no NVIDIA GPU to watch; one that fails is worth saying.
    problems.push(`nvidia-smi failed: ${smi.problem ?? `exit ${smi.exitCode}`}`);
  }

  Object.assign(metrics, readings);
  const over = overThresholds(readings, target.thresholds);
  const summary = describe(readings);
  const issues = [...over, ...problems];
  return probeResult(issues.length ? "degraded" : "up", issues.length ? `${issues.join("; ")}; ${summary}` : summary, {
    latencyMs: ctx.now() - started,
    errors: issues,
    metrics,
  });
}

/** CPU use since the previous probe, or over a short window when there is none; null without /proc/stat. */
async function readCpu(key: string, ctx: ProbeContext): Promise<number | null> {
  const sample = async () => parseProcStat(await readFile("/proc/stat", "utf8").catch(() => ""));
  const now = ctx.now();
  let before = lastCpu.get(key);
  if (!before || now - before.at > STALE_SAMPLE_MS) {
    const first = await sample();
    if (!first) return loadAsPercent();
    before = { at: now, times: first };
    await abortableSleep(CPU_WINDOW_MS, ctx.signal);
  }
  const after = await sample();
  if (!after) return loadAsPercent();
  lastCpu.set(key, { at: ctx.now(), times: after });
  return cpuPercent(before.times, after);
}

/** Without /proc/stat (macOS): the 1-minute load average per core, as a percentage. */
function loadAsPercent(): number {
  const cores = os.availableParallelism?.() ?? os.cpus().length;
  return Math.round(Math.min(100, (os.loadavg()[0]! / Math.max(1, cores)) * 100) * 10) / 10;
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => (clearTimeout(timer), reject(signal.reason)), { once: true });
  });
}

function describe(r: HostReadings): string {
  const parts: string[] = [];
  if (r["cpu.used_pct"] !== undefined) parts.push(`CPU ${r["cpu.used_pct"]}%`);
  if (r["memory.used_pct"] !== undefined) parts.push(`memory ${r["memory.used_pct"]}% (${r["memory.available_mb"]} MB available)`);
  if (r["disk.used_pct"] !== undefined) parts.push(`disk ${r["disk.used_pct"]}%`);
  if (r["gpu.memory.used_pct"] !== undefined) parts.push(`GPU memory ${r["gpu.memory.used_pct"]}%`);
  return parts.join(", ");
}

export const hostProbe = {
  kind: "host",
  schema: HostTargetSchema,
  run,
} satisfies ProbeKind<HostTarget>;
