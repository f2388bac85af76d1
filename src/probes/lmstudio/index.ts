import { z } from "zod";
import { fetchCapped, joinUrl } from "../http/fetch-capped.ts";
import { judgeUnexpected } from "../http/judge-reply.ts";
import { errorInBody, readJson, readJsonAs } from "../http/read-body.ts";
import type { ProbeContext, ProbeKind, ProbeResult } from "../probe-kind.ts";
import { describeModels, judgeModels } from "../shared/model-match.ts";
import { downFrom, probeResult, withSlowness } from "../shared/probe-result.ts";
import { LmStudioTargetSchema, type LmStudioTarget } from "./schema.ts";

/** LM Studio answers routes it does not have with 200 and this error, so it doubles as a fingerprint. */
const UNKNOWN_ROUTE = /^Unexpected endpoint or method/;

const V0ModelsSchema = z.looseObject({
  data: z.array(z.looseObject({ id: z.string().min(1), state: z.enum(["loaded", "not-loaded"]), type: z.string().optional() })),
});

/**
 * LM Studio: `/lmstudio-greeting` proves it is LM Studio, `/api/v0/models` lists every downloaded model with
 * its `state`. Both are read-only; JIT loading only happens on inference, which the probe never sends.
 */
async function run(target: LmStudioTarget, ctx: ProbeContext): Promise<ProbeResult> {
  const get = (path: string) => fetchCapped(ctx, joinUrl(target.url, path), { apiKey: target.apiKey });
  const [greeting, models] = await Promise.all([get("/lmstudio-greeting"), get("/api/v0/models")]);
  if (!greeting.ok) return downFrom(greeting.failure);
  if (!isLmStudio(greeting.reply.status, readJson(greeting.reply))) {
    return judgeUnexpected("LM Studio", greeting.reply, '{"lmstudio":true}', [models]);
  }
  if (!models.ok) return downFrom(models.failure);
  const reply = models.reply;
  const json = readJson(reply);
  const error = json.ok ? errorInBody(json.value) : null;
  if (error !== null && UNKNOWN_ROUTE.test(error)) {
    // Versions before 0.3.6 have no REST v0 API: LM Studio is there, but its loaded state cannot be read.
    const detail = `LM Studio answers, but ${reply.label} is not a route here (LM Studio older than 0.3.6?)`;
    return probeResult("degraded", detail, { latencyMs: reply.latencyMs, errors: [detail] });
  }
  if (reply.status !== 200) return judgeUnexpected("LM Studio", reply, "the /api/v0/models list");
  const list = readJsonAs(reply, V0ModelsSchema);
  if (!list.ok) return probeResult("down", `LM Studio answers, but ${list.problem}`, { latencyMs: reply.latencyMs, errors: [list.problem] });
  const available = list.value.data.map((m) => m.id);
  const loaded = list.value.data.filter((m) => m.state === "loaded").map((m) => m.id);
  const verdict = judgeModels(target.models, loaded, available);
  const summary = `LM Studio, ${describeModels(loaded, available)}`;
  const detail = verdict.problems.length ? `${summary}; ${verdict.problems.join("; ")}` : summary;
  return withSlowness(
    probeResult(verdict.status, detail, {
      latencyMs: reply.latencyMs,
      models: { loaded, available },
      errors: verdict.problems,
      metrics: { "models.loaded": loaded.length, "models.available": available.length },
    }),
    ctx,
  );
}

/** `{"lmstudio":true}`, or, should a release drop the greeting, LM Studio's own unknown-route error on 200. */
function isLmStudio(status: number, json: ReturnType<typeof readJson>): boolean {
  if (status !== 200 || !json.ok || !json.value || typeof json.value !== "object") return false;
  if ((json.value as { lmstudio?: unknown }).lmstudio === true) return true;
  return UNKNOWN_ROUTE.test(errorInBody(json.value) ?? "");
}

export const lmStudioProbe = {
  kind: "lmstudio",
  schema: LmStudioTargetSchema,
  run,
} satisfies ProbeKind<LmStudioTarget>;
