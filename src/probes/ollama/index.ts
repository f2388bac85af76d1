import { z } from "zod";
import { fetchCapped, joinUrl } from "../http/fetch-capped.ts";
import { judgeUnexpected } from "../http/judge-reply.ts";
import { bodyText, readJsonAs } from "../http/read-body.ts";
import type { ProbeContext, ProbeKind, ProbeResult } from "../probe-kind.ts";
import { describeModels, judgeModels } from "../shared/model-match.ts";
import { downFrom, probeResult, withSlowness } from "../shared/probe-result.ts";
import { OllamaTargetSchema, type OllamaTarget } from "./schema.ts";

const FINGERPRINT = "Ollama is running";
const MB = 1024 * 1024;

const TagsSchema = z.object({ models: z.array(z.object({ name: z.string() })).nullable() });
const PsSchema = z.object({
  models: z
    .array(z.object({ name: z.string(), size: z.number().nonnegative().optional(), size_vram: z.number().nonnegative().optional() }))
    .nullable(),
});
const VersionSchema = z.object({ version: z.string() });

/**
 * Ollama's native API, read only: `/` for the fingerprint, `/api/version`, `/api/tags` (available) and `/api/ps`
 * (loaded, with memory). It never calls generate or chat, so probing never loads a model.
 */
async function run(target: OllamaTarget, ctx: ProbeContext): Promise<ProbeResult> {
  const get = (path: string) => fetchCapped(ctx, joinUrl(target.url, path));
  const [root, version, tags, ps] = await Promise.all([get("/"), get("/api/version"), get("/api/tags"), get("/api/ps")]);
  if (!root.ok) return downFrom(root.failure);
  if (root.reply.status !== 200 || bodyText(root.reply)?.trim() !== FINGERPRINT) {
    return judgeUnexpected("Ollama", root.reply, `"${FINGERPRINT}"`, [tags, ps, version]);
  }
  const latencyMs = root.reply.latencyMs;
  if (!tags.ok) return downFrom(tags.failure);
  const tagList = readJsonAs(tags.reply, TagsSchema);
  if (!tagList.ok) return probeResult("down", `Ollama is running but ${tagList.problem}`, { latencyMs, errors: [tagList.problem] });
  const available = (tagList.value.models ?? []).map((m) => m.name);

  const problems: string[] = [];
  let versionText: string | null = null;
  if (!version.ok) problems.push(version.failure.problem);
  else {
    const v = readJsonAs(version.reply, VersionSchema);
    if (v.ok) versionText = v.value.version;
    else problems.push(v.problem);
  }

  const metrics: Record<string, number> = {};
  let loaded: string[] | null = null;
  const running = ps.ok ? readJsonAs(ps.reply, PsSchema) : { ok: false as const, problem: ps.failure.problem };
  if (running.ok) {
    const models = running.value.models ?? [];
    loaded = models.map((m) => m.name);
    metrics["models.loaded"] = models.length;
    metrics["model.size_mb"] = round(models.reduce((n, m) => n + (m.size ?? 0), 0) / MB);
    metrics["model.vram_mb"] = round(models.reduce((n, m) => n + (m.size_vram ?? 0), 0) / MB);
    for (const m of models) {
      if (m.size !== undefined) metrics[`model.${m.name}.size_mb`] = round(m.size / MB);
      if (m.size_vram !== undefined) metrics[`model.${m.name}.vram_mb`] = round(m.size_vram / MB);
    }
  } else {
    problems.push(running.problem);
  }

  const found = { latencyMs, version: versionText, models: { loaded: loaded ?? [], available }, metrics };
  const verdict = judgeModels(target.models, loaded, available);
  const summary = `Ollama ${versionText ?? "(version unknown)"}, ${describeModels(loaded, available)}`;
  if (problems.length > 0) {
    return probeResult("degraded", `${summary}; ${problems.join("; ")}`, { ...found, errors: [...problems, ...verdict.problems] });
  }
  const offloaded = loaded ? partlyOnCpu(running.ok ? running.value.models ?? [] : []) : [];
  const notes = [...verdict.problems, ...offloaded.map((n) => `${n} is partly in CPU memory`)];
  return withSlowness(probeResult(verdict.status, notes.length ? `${summary}; ${notes.join("; ")}` : summary, { ...found, errors: verdict.problems }), ctx);
}

/** `size_vram < size` means part of the model runs on the CPU: worth saying, not a failure. */
function partlyOnCpu(models: { name: string; size?: number; size_vram?: number }[]): string[] {
  return models.filter((m) => m.size !== undefined && m.size_vram !== undefined && m.size_vram > 0 && m.size_vram < m.size).map((m) => m.name);
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

export const ollamaProbe = {
  kind: "ollama",
  schema: OllamaTargetSchema,
  run,
} satisfies ProbeKind<OllamaTarget>;
