import { describe, expect, it } from "vitest";
import { cpuPercent, diskUsedPercent, overThresholds, parseMeminfo, parseNvidiaSmi, parseProcStat } from "../../src/probes/host/host-readings.ts";
import { tempDir } from "../helpers/temp-dir.ts";
import { probeOnce } from "./probe-once.ts";

describe("host probe", () => {
  it("run() reads CPU, memory and disk into metrics on this machine", async () => {
    const dir = tempDir();
    try {
      const r = await probeOnce({ kind: "host", name: "host-readings", diskPath: dir.path, thresholds: { cpuPct: 100, memoryPct: 100, diskPct: 100, gpuMemoryPct: 100 } });
      expect(r.status).toBe("up");
      for (const key of ["cpu.used_pct", "memory.used_pct", "disk.used_pct"]) {
        expect(r.metrics[key]).toBeGreaterThanOrEqual(0);
        expect(r.metrics[key]).toBeLessThanOrEqual(100);
      }
      expect(r.metrics["memory.available_mb"]).toBeGreaterThan(0);
    } finally {
      dir.remove();
    }
  });

  it("run() reports degraded with the reason when a reading is over its threshold", async () => {
    // Some memory is always in use, so a 0 % threshold is always crossed.
    const r = await probeOnce({ kind: "host", name: "host-threshold", thresholds: { memoryPct: 0 } });
    expect(r.status).toBe("degraded");
    expect(r.detail).toMatch(/memory [\d.]+% used \(threshold 0%\)/);
  });

  it("run() reports degraded, naming the path, when diskPath does not exist", async () => {
    const r = await probeOnce({ kind: "host", name: "host-nodisk", diskPath: "/no/such/folder/for/ai-tracker" });
    expect(r.status).toBe("degraded");
    expect(r.detail).toMatch(/cannot read disk usage of \/no\/such\/folder\/for\/ai-tracker: ENOENT/);
  });

  it.each([
    { name: "a busy interval", before: "cpu  100 0 100 800 0 0 0 0 0 0", after: "cpu  200 0 200 900 0 0 0 0 0 0", pct: 66.7 },
    { name: "an idle interval with iowait", before: "cpu  100 0 100 800 50 0 0 0", after: "cpu  100 0 100 900 100 0 0 0", pct: 0 },
  ])("cpuPercent() computes $pct % for $name", ({ before, after, pct }) => {
    expect(cpuPercent(parseProcStat(before)!, parseProcStat(after)!)).toBe(pct);
  });

  it("parseMeminfo() prefers MemAvailable and returns null without it", () => {
    expect(parseMeminfo("MemTotal:       16000000 kB\nMemFree:  1000 kB\nMemAvailable:    4000000 kB\n")).toEqual({ totalBytes: 16000000 * 1024, availableBytes: 4000000 * 1024 });
    expect(parseMeminfo("MemTotal: 16000000 kB\nMemFree: 1000 kB\n")).toBeNull();
  });

  it("parseNvidiaSmi() reads one used, total pair per GPU and skips junk", () => {
    expect(parseNvidiaSmi("1024, 8192\n 4000 , 24576\n[N/A], [N/A]\n")).toEqual([
      { usedMb: 1024, totalMb: 8192 },
      { usedMb: 4000, totalMb: 24576 },
    ]);
  });

  it("diskUsedPercent() leaves blocks reserved for root out, as df does", () => {
    expect(diskUsedPercent({ blocks: 1000, bfree: 300, bavail: 250 })).toBe(73.7);
  });

  it("overThresholds() names every reading over its limit", () => {
    const over = overThresholds({ "cpu.used_pct": 99, "memory.used_pct": 50, "disk.used_pct": 95, "gpu.memory.used_pct": 96 }, { cpuPct: 95, memoryPct: 90, diskPct: 90, gpuMemoryPct: 95 });
    expect(over).toEqual(["CPU 99% used (threshold 95%)", "disk 95% used (threshold 90%)", "GPU memory 96% used (threshold 95%)"]);
  });
});
