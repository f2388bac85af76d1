import { z } from "zod";
import { fetchCapped, joinUrl, type HttpOutcome } from "../http/fetch-capped.ts";
import { judgeUnexpected } from "../http/judge-reply.ts";
import { readModelList } from "../http/model-list.ts";
import { readJson, readJsonAs } from "../http/read-body.ts";
import type { ProbeContext, ProbeKind, ProbeResult } from "../probe-kind.ts";
import { describeModels, judgeModels } from "../shared/model-match.ts";
import { downFrom, probeResult, withSlowness } from "../shared/probe-result.ts";
import { LlamaCppTargetSchema, type LlamaCppTarget } from "./schema.ts";

const HealthSchema = z.object({ status: z.literal("ok") });
/** `build_info` and `total_slots` are what set llama.cpp apart from mlx_lm.server and whisper.cpp on port 8080. */
const PropsSchema = z.looseObject({ build_info: z.string(), total_slots: z.number().int().nonnegative().optional(), is_sleeping: z.boolean().optional() });
const SlotsSchema = z.array(z.looseObject({ id: z.number(), is_processing: z.boolean() }));

/**
 * llama.cpp's llama-server: `/health` (503 while loading: cold), `/props` for the build, `/slots` for how many
 * slots are busy, `/v1/models` for the one model it serves. All read-only.
 */
async function run(target: LlamaCppTarget, ctx: ProbeContext): Promise<ProbeResult> {
  const get = (path: string) => fetchCapped(ctx, joinUrl(target.url, path), { apiKey: target.apiKey });
  const [health, props, slots, models] = await Promise.all([get("/health"), get("/props"), get("/slots"), get("/v1/models")]);
  if (!health.ok) return downFrom(health.failure);
  const h = health.reply;
  const latencyMs = h.latencyMs;
  if (h.status === 503 && isLoading(h)) {
    return probeResult("cold", "llama.cpp is loading its model (503 Loading model)", { latencyMs, version: buildOf(props) });
  }
  if (h.status !== 200 || !readJsonAs(h, HealthSchema).ok) return judgeUnexpected("llama.cpp", h, '{"status":"ok"}', [props, models]);
  if (!props.ok) return downFrom(props.failure);
  const p = readJsonAs(props.reply, PropsSchema);
  if (!p.ok) {
    // mlx_lm.server and whisper.cpp pass /health too; /props is where they differ.
    const judged = judgeUnexpected("llama.cpp", props.reply, "/props with build_info", [models]);
    if (judged.status === "wrong-service" || props.reply.status !== 200) return { ...judged, latencyMs };
    return probeResult("down", `llama.cpp is healthy but ${p.problem}`, { latencyMs, errors: [p.problem] });
  }
  const version = p.value.build_info;
  const metrics: Record<string, number> = {};
  const problems: string[] = [];
  if (p.value.total_slots !== undefined) metrics["slots.total"] = p.value.total_slots;
  if (!slots.ok) problems.push(slots.failure.problem);
  else if (slots.reply.status !== 501) {
    // 501 means started with --no-slots: nothing wrong, just nothing to read.
    const list = readJsonAs(slots.reply, SlotsSchema);
    if (list.ok) {
      metrics["slots.total"] = list.value.length;
      metrics["slots.busy"] = list.value.filter((s) => s.is_processing).length;
    } else problems.push(list.problem);
  }
  let available: string[] = [];
  if (!models.ok) problems.push(models.failure.problem);
  else {
    const list = readModelList(models.reply);
    if (list.ok) available = list.value.map((m) => m.id);
    else problems.push(list.problem);
  }
  // In single-model mode whatever /v1/models names is what is loaded, unless the server sleeps (model unloaded
  // until the next request wakes it).
  const sleeping = p.value.is_sleeping === true;
  const loaded = sleeping ? [] : available;
  const verdict = judgeModels(target.models, loaded, available);
  if (sleeping && verdict.status === "up") verdict.status = "cold";
  if (sleeping) verdict.problems.push("sleeping: the model is unloaded until the next request");
  const busy = metrics["slots.busy"] !== undefined ? `, ${metrics["slots.busy"]}/${metrics["slots.total"]} slots busy` : "";
  const summary = `llama.cpp ${version}, ${describeModels(loaded, available)}${busy}`;
  const all = [...problems, ...verdict.problems];
  const found = { latencyMs, version, models: { loaded, available }, metrics, errors: all };
  if (problems.length > 0) return probeResult("degraded", `${summary}; ${all.join("; ")}`, found);
  return withSlowness(probeResult(verdict.status, all.length ? `${summary}; ${all.join("; ")}` : summary, found), ctx);
}

/** llama.cpp's 503 while loading: `{"error":{"code":503,"message":"Loading model","type":"unavailable_error"}}`. */
function isLoading(reply: { status: number } & Parameters<typeof readJson>[0]): boolean {
  const json = readJson(reply);
  if (!json.ok) return false;
  const err = (json.value as { error?: { message?: unknown; type?: unknown } } | null)?.error;
  return typeof err?.message === "string" && /loading/i.test(err.message);
}

function buildOf(props: HttpOutcome): string | null {
  if (!props.ok) return null;
  const p = readJsonAs(props.reply, PropsSchema);
  return p.ok ? p.value.build_info : null;
}

export const llamaCppProbe = {
  kind: "llamacpp",
  schema: LlamaCppTargetSchema,
  run,
} satisfies ProbeKind<LlamaCppTarget>;
