import { fetchCapped, joinUrl, type HttpOutcome } from "../http/fetch-capped.ts";
import { judgeUnexpected } from "../http/judge-reply.ts";
import { readModelList, type OpenAiModel } from "../http/model-list.ts";
import { bodyText } from "../http/read-body.ts";
import type { ProbeContext, ProbeKind, ProbeResult } from "../probe-kind.ts";
import { describeModels, judgeModels } from "../shared/model-match.ts";
import { downFrom, probeResult, withSlowness } from "../shared/probe-result.ts";
import { firstLine, runCommand } from "../shared/run-command.ts";
import { CandleTargetSchema, type CandleTarget } from "./schema.ts";

const SELF = "mistral.rs or candle-vllm";

/**
 * A Candle-based server (mistral.rs: `/health` "OK" and `/v1/models` with a per-model `status`; candle-vllm: no
 * `/health`, a `/v1/models` entry owned by "candle-vllm"), and/or a Candle binary on PATH run with `binaryArgs`.
 */
async function run(target: CandleTarget, ctx: ProbeContext): Promise<ProbeResult> {
  const server = target.url ? await probeServer(target.url, target.models, ctx) : null;
  if (!target.binary) return server!;
  const binary = await probeBinary(target.binary, target.binaryArgs, ctx);
  if (!server) return binary;
  if (binary.status === "up" || server.status !== "up") return server;
  return { ...server, status: "degraded", detail: `${server.detail}; but ${binary.detail}`, errors: [...server.errors, ...binary.errors] };
}

async function probeServer(url: string, expected: readonly string[], ctx: ProbeContext): Promise<ProbeResult> {
  const [health, models] = await Promise.all([fetchCapped(ctx, joinUrl(url, "/health")), fetchCapped(ctx, joinUrl(url, "/v1/models"))]);
  if (!health.ok) return downFrom(health.failure);
  const h = health.reply;
  if (h.status === 200 && bodyText(h)?.trim() === "OK") return mistralRs(models, expected, h.latencyMs, ctx);
  if (h.status === 404) {
    const vllm = candleVllm(models, expected, ctx);
    if (vllm) return vllm;
  }
  const judged = judgeUnexpected(SELF, h, '"OK" (mistral.rs) or a 404 and a candle-vllm model list', [models]);
  if (judged.status !== "down" || h.status >= 500 || !models.ok || models.reply.status !== 200) return judged;
  // /health is not mistral.rs's, yet /v1/models is a model list: some other OpenAI-compatible server lives here.
  const list = readModelList(models.reply);
  if (!list.ok) return judged;
  const owners = [...new Set(list.value.map((m) => m.owned_by ?? "?"))].join(", ");
  const detail = `an OpenAI-compatible server that is neither mistral.rs nor candle-vllm (${h.label} gave ${h.status}, models owned by ${owners || "nobody"})`;
  return probeResult("wrong-service", detail, { latencyMs: h.latencyMs, errors: [detail] });
}

function mistralRs(models: HttpOutcome, expected: readonly string[], latencyMs: number, ctx: ProbeContext): ProbeResult {
  if (!models.ok) return downFrom(models.failure);
  if (models.reply.status !== 200) return judgeUnexpected(SELF, models.reply, "a /v1/models list");
  const list = readModelList(models.reply);
  if (!list.ok) return probeResult("down", `mistral.rs is healthy but ${list.problem}`, { latencyMs, errors: [list.problem] });
  // The first entry is always the alias "default"; the real models follow, each with its status.
  const real = list.value.filter((m) => m.id !== "default");
  const available = real.map((m) => m.id);
  const loaded = real.filter((m) => m.status === undefined || m.status === "loaded").map((m) => m.id);
  const reloading = real.filter((m) => m.status === "reloading").map((m) => m.id);
  const verdict = judgeModels(expected, loaded, available);
  const notes = [...verdict.problems, ...reloading.map((m) => `${m} is reloading`)];
  const summary = `mistral.rs, ${describeModels(loaded, available)}`;
  const found = { latencyMs, models: { loaded, available }, errors: verdict.problems, metrics: { "models.loaded": loaded.length } };
  return withSlowness(probeResult(verdict.status, notes.length ? `${summary}; ${notes.join("; ")}` : summary, found), ctx);
}

/** candle-vllm serves one model and has no /health; its model list is the proof of life. Null when it is not candle-vllm. */
function candleVllm(models: HttpOutcome, expected: readonly string[], ctx: ProbeContext): ProbeResult | null {
  if (!models.ok || models.reply.status !== 200) return null;
  const list = readModelList(models.reply);
  if (!list.ok || !list.value.some((m: OpenAiModel) => m.owned_by === "candle-vllm")) return null;
  const available = list.value.map((m) => m.id);
  const verdict = judgeModels(expected, available, available);
  const summary = `candle-vllm serving ${available.join(", ")}`;
  const found = { latencyMs: models.reply.latencyMs, models: { loaded: available, available }, errors: verdict.problems };
  return withSlowness(probeResult(verdict.status, verdict.problems.length ? `${summary}; ${verdict.problems.join("; ")}` : summary, found), ctx);
}

async function probeBinary(binary: string, args: readonly string[], ctx: ProbeContext): Promise<ProbeResult> {
  const out = await runCommand([binary, ...args], { timeoutMs: ctx.timeoutMs, signal: ctx.signal, now: ctx.now });
  const found = { latencyMs: out.durationMs };
  if (out.problem) return probeResult("down", out.problem, { ...found, errors: [out.problem] });
  if (out.exitCode !== 0) {
    const detail = `${binary} ${args.join(" ")} exited with ${out.exitCode}${out.stderr.trim() ? `: ${firstLine(out.stderr)}` : ""}`;
    return probeResult("down", detail, { ...found, errors: [detail] });
  }
  const version = firstLine(out.stdout) || null;
  return probeResult("up", `${binary} runs${version ? `: ${version}` : ""}`, { ...found, version });
}

export const candleProbe = {
  kind: "candle",
  schema: CandleTargetSchema,
  run,
} satisfies ProbeKind<CandleTarget>;
