import { z } from "zod";
import { fetchCapped, joinUrl } from "../http/fetch-capped.ts";
import { judgeUnexpected } from "../http/judge-reply.ts";
import { readJsonAs } from "../http/read-body.ts";
import type { ProbeContext, ProbeResult } from "../probe-kind.ts";
import { findModel } from "../shared/model-match.ts";
import { downFrom, probeResult } from "../shared/probe-result.ts";
import type { VisionTarget } from "./schema.ts";

const MB = 1024 * 1024;

const StatsSchema = z.looseObject({
  system: z.looseObject({ comfyui_version: z.string(), ram_total: z.number().optional(), ram_free: z.number().optional() }),
  devices: z.array(z.looseObject({ name: z.string(), type: z.string(), vram_total: z.number(), vram_free: z.number() })).default([]),
});
const CheckpointsSchema = z.array(z.string());

/**
 * ComfyUI: `/system_stats` is both the fingerprint (`comfyui_version`) and the memory view (RAM and VRAM per
 * device); `/models/checkpoints` lists the checkpoint files that expected models are looked up in.
 */
export async function probeComfyUi(target: VisionTarget, ctx: ProbeContext): Promise<ProbeResult> {
  const get = (path: string) => fetchCapped(ctx, joinUrl(target.url, path));
  const [stats, checkpoints] = await Promise.all([get("/system_stats"), get("/models/checkpoints")]);
  if (!stats.ok) return downFrom(stats.failure);
  const s = stats.reply;
  const latencyMs = s.latencyMs;
  if (s.status !== 200) return judgeUnexpected("ComfyUI", s, "system stats", [checkpoints]);
  const parsed = readJsonAs(s, StatsSchema);
  if (!parsed.ok) {
    const judged = judgeUnexpected("ComfyUI", s, "system stats", [checkpoints]);
    if (judged.status === "wrong-service") return judged;
    // Valid JSON that lacks comfyui_version is some other server's; anything else is garbage.
    const status = parsed.reason === "shape" ? "wrong-service" : "down";
    return probeResult(status, parsed.problem, { latencyMs, errors: [parsed.problem] });
  }
  const { system, devices } = parsed.value;
  const metrics: Record<string, number> = {};
  if (system.ram_total && system.ram_free !== undefined) metrics["memory.used_pct"] = pct(system.ram_total - system.ram_free, system.ram_total);
  const gpus = devices.filter((d) => d.vram_total > 0);
  if (gpus.length > 0) {
    const total = gpus.reduce((n, d) => n + d.vram_total, 0);
    const free = gpus.reduce((n, d) => n + d.vram_free, 0);
    metrics["gpu.memory.used_pct"] = pct(total - free, total);
    metrics["gpu.memory.total_mb"] = Math.round(total / MB);
    metrics["gpu.memory.free_mb"] = Math.round(free / MB);
  }
  const problems: string[] = [];
  let available: string[] = [];
  if (checkpoints.ok && checkpoints.reply.status === 200) {
    const list = readJsonAs(checkpoints.reply, CheckpointsSchema);
    if (list.ok) available = list.value;
    else problems.push(list.problem);
  } else problems.push(checkpoints.ok ? `${checkpoints.reply.label} answered ${checkpoints.reply.status}` : checkpoints.failure.problem);
  const missing = target.models.filter((m) => !findModel(m, available));
  if (missing.length > 0) problems.push(`expected checkpoint${missing.length > 1 ? "s" : ""} missing: ${missing.join(", ")}`);
  const vram = metrics["gpu.memory.used_pct"] !== undefined ? `, VRAM ${metrics["gpu.memory.used_pct"]}% used` : "";
  const summary = `ComfyUI ${system.comfyui_version}, ${available.length} checkpoints${vram}`;
  const found = { latencyMs, version: system.comfyui_version, models: { loaded: [], available }, metrics, errors: problems };
  return probeResult(problems.length ? "degraded" : "up", problems.length ? `${summary}; ${problems.join("; ")}` : summary, found);
}

function pct(used: number, total: number): number {
  return Math.round((used / total) * 1000) / 10;
}
