import { fetchCapped, joinUrl } from "../http/fetch-capped.ts";
import { coldWhileLoading, judgeUnexpected, judgeUnparsed } from "../http/judge-reply.ts";
import { readModelList } from "../http/model-list.ts";
import type { ProbeContext, ProbeKind, ProbeResult } from "../probe-kind.ts";
import { describeModels, judgeModels } from "../shared/model-match.ts";
import { downFrom, probeResult, withSlowness } from "../shared/probe-result.ts";
import { OpenAiCompatibleTargetSchema, type OpenAiCompatibleTarget } from "./schema.ts";

/**
 * Any OpenAI-compatible server: `GET /v1/models`, body checked for the list shape. The generic API cannot say
 * what is loaded, so expected models are only checked for presence in the list.
 */
async function run(target: OpenAiCompatibleTarget, ctx: ProbeContext): Promise<ProbeResult> {
  const models = await fetchCapped(ctx, joinUrl(target.url, "/v1/models"), { apiKey: target.apiKey });
  if (!models.ok) return downFrom(models.failure);
  const reply = models.reply;
  const cold = coldWhileLoading(reply, "the model is still loading");
  if (cold) return cold;
  if (reply.status !== 200) return judgeUnexpected("an OpenAI-compatible server", reply, "a /v1/models list");
  const list = readModelList(reply);
  // An error body or another server's shape on 200: name the server when its answer gives it away.
  if (!list.ok) return judgeUnparsed("an OpenAI-compatible server", reply, "a /v1/models list", list.problem);
  const available = list.value.map((m) => m.id);
  const verdict = judgeModels(target.models, null, available);
  const summary = `${describeModels(null, available)}; the OpenAI API does not report loaded state`;
  const detail = verdict.problems.length ? `${verdict.problems.join("; ")}; ${summary}` : summary;
  return withSlowness(
    probeResult(verdict.status, detail, { latencyMs: reply.latencyMs, models: { loaded: [], available }, errors: verdict.problems }),
    ctx,
  );
}

export const openAiCompatibleProbe = {
  kind: "openai-compatible",
  schema: OpenAiCompatibleTargetSchema,
  run,
} satisfies ProbeKind<OpenAiCompatibleTarget>;
