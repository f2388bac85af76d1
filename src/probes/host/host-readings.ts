/** Aggregate CPU time counters from /proc/stat's first line, in clock ticks. */
export interface CpuTimes {
  idle: number;
  total: number;
}

/** Parses the `cpu ` line of /proc/stat; iowait counts as idle, as top does. Null when absent. */
export function parseProcStat(text: string): CpuTimes | null {
  const line = text.split("\n").find((l) => l.startsWith("cpu "));
  if (!line) return null;
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  if (f.length < 4 || f.some((n) => !Number.isFinite(n))) return null;
  // user nice system idle iowait irq softirq steal (guest time is already inside user).
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
  return { idle: f[3]! + (f[4] ?? 0), total };
}

/** Busy share between two samples, in percent; null when no time passed. */
export function cpuPercent(before: CpuTimes, after: CpuTimes): number | null {
  const total = after.total - before.total;
  if (total <= 0) return null;
  return clampPct(((total - (after.idle - before.idle)) / total) * 100);
}

/** MemTotal and MemAvailable from /proc/meminfo, in bytes; null when MemAvailable is missing (old kernels). */
export function parseMeminfo(text: string): { totalBytes: number; availableBytes: number } | null {
  const kb = (key: string) => {
    const m = new RegExp(`^${key}:\\s+(\\d+)\\s*kB`, "m").exec(text);
    return m ? Number(m[1]) * 1024 : undefined;
  };
  const total = kb("MemTotal");
  const available = kb("MemAvailable");
  return total !== undefined && available !== undefined && total > 0 ? { totalBytes: total, availableBytes: available } : null;
}

/** `nvidia-smi --query-gpu=memory.used,memory.total --format=csv,noheader,nounits`: one "used, total" (MiB) line per GPU. */
export function parseNvidiaSmi(text: string): { usedMb: number; totalMb: number }[] {
  const gpus: { usedMb: number; totalMb: number }[] = [];
  for (const line of text.split("\n")) {
    const [used, total] = line.split(",").map((s) => Number(s.trim()));
    if (Number.isFinite(used) && Number.isFinite(total) && total! > 0) gpus.push({ usedMb: used!, totalMb: total! });
  }
  return gpus;
}

/** Used share of a filesystem as `df` computes it: blocks reserved for root count as neither used nor free. */
export function diskUsedPercent(s: { blocks: number; bfree: number; bavail: number }): number | null {
  const used = s.blocks - s.bfree;
  const usable = used + s.bavail;
  return usable > 0 ? clampPct((used / usable) * 100) : null;
}

export interface HostReadings {
  "cpu.used_pct"?: number;
  "memory.used_pct"?: number;
  "memory.available_mb"?: number;
  "disk.used_pct"?: number;
  "gpu.memory.used_pct"?: number;
}

export interface HostThresholds {
  cpuPct: number;
  memoryPct: number;
  diskPct: number;
  gpuMemoryPct: number;
}

/** Every reading over its threshold, as "memory 93% used (threshold 90%)". */
export function overThresholds(r: HostReadings, t: HostThresholds): string[] {
  const checks: [string, number | undefined, number][] = [
    ["CPU", r["cpu.used_pct"], t.cpuPct],
    ["memory", r["memory.used_pct"], t.memoryPct],
    ["disk", r["disk.used_pct"], t.diskPct],
    ["GPU memory", r["gpu.memory.used_pct"], t.gpuMemoryPct],
  ];
  return checks.filter(([, v, max]) => v !== undefined && v > max).map(([name, v, max]) => `${name} ${v}% used (threshold ${max}%)`);
}

function clampPct(n: number): number {
  return Math.round(Math.min(100, Math.max(0, n)) * 10) / 10;
}
