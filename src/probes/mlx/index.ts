import { fetchCapped, joinUrl } from "../http/fetch-capped.ts";
import { judgeUnexpected } from "../http/judge-reply.ts";
import { readModelList } from "../http/model-list.ts";
import { bodyText } from "../http/read-body.ts";
import type { ProbeContext, ProbeKind, ProbeResult } from "../probe-kind.ts";
import { describeModels, findModel } from "../shared/model-match.ts";
import { downFrom, probeResult, withSlowness } from "../shared/probe-result.ts";
import { MlxTargetSchema, type MlxTarget } from "./schema.ts";

/**
 * mlx_lm.server writes exactly these bytes (with the space); llama.cpp and whisper.cpp, which share its default
 * port 8080, answer `{"status":"ok"}` without it.
 */
const HEALTH_BODY = '{"status": "ok"}';

const NO_LOADED_STATE = "mlx cannot report loaded state beyond its cached-model list";

/**
 * mlx_lm.server: `/health` (exact body) and `/v1/models`. An expected model counts as loaded when it is in the
 * list, which is the most mlx can tell; naming it in a request would load (or download) it, so the probe never does.
 */
async function run(target: MlxTarget, ctx: ProbeContext): Promise<ProbeResult> {
  const [health, models] = await Promise.all([
    fetchCapped(ctx, joinUrl(target.url, "/health")),
    fetchCapped(ctx, joinUrl(target.url, "/v1/models")),
  ]);
  if (!health.ok) return downFrom(health.failure);
  if (health.reply.status !== 200 || bodyText(health.reply)?.trim() !== HEALTH_BODY) {
    return judgeUnexpected("mlx_lm.server", health.reply, HEALTH_BODY, [models]);
  }
  const latencyMs = health.reply.latencyMs;
  if (!models.ok) return downFrom(models.failure);
  if (models.reply.status !== 200) return judgeUnexpected("mlx_lm.server", models.reply, "a /v1/models list");
  const list = readModelList(models.reply);
  if (!list.ok) return probeResult("down", `mlx_lm.server is healthy but ${list.problem}`, { latencyMs, errors: [list.problem] });
  const available = list.value.map((m) => m.id);
  const loaded = target.models.map((e) => findModel(e, available)).filter((m): m is string => m !== undefined);
  const missing = target.models.filter((e) => !findModel(e, available));
  const found = { latencyMs, models: { loaded, available }, metrics: { "models.available": available.length } };
  if (missing.length > 0) {
    const problem = `expected model${missing.length > 1 ? "s" : ""} not in /v1/models: ${missing.join(", ")}`;
    return probeResult("cold", `${problem}; ${describeModels(null, available)}; ${NO_LOADED_STATE}`, { ...found, errors: [problem] });
  }
  const what = loaded.length ? `expected model${loaded.length > 1 ? "s" : ""} listed: ${loaded.join(", ")}` : describeModels(null, available);
  return withSlowness(probeResult("up", `mlx_lm.server healthy, ${what} (${NO_LOADED_STATE})`, found), ctx);
}

export const mlxProbe = {
  kind: "mlx",
  schema: MlxTargetSchema,
  run,
} satisfies ProbeKind<MlxTarget>;
