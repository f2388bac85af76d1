import { z } from "zod";
import { fetchCapped, joinUrl } from "../http/fetch-capped.ts";
import { judgeUnexpected, judgeUnparsed } from "../http/judge-reply.ts";
import { readJsonAs } from "../http/read-body.ts";
import type { ProbeContext, ProbeResult } from "../probe-kind.ts";
import { describeModels, judgeModels } from "../shared/model-match.ts";
import { downFrom, probeResult } from "../shared/probe-result.ts";
import type { VisionTarget } from "./schema.ts";

const SdModelsSchema = z.array(z.looseObject({ title: z.string(), model_name: z.string() }));
const OptionsSchema = z.looseObject({ sd_model_checkpoint: z.string().nullish() });

/**
 * AUTOMATIC1111's API (needs `--api`): `/sdapi/v1/sd-models` lists checkpoints, `/sdapi/v1/options` names the
 * loaded one in `sd_model_checkpoint`. The response is 2–3 MB-free JSON; no image is generated.
 */
export async function probeAutomatic1111(target: VisionTarget, ctx: ProbeContext): Promise<ProbeResult> {
  const get = (path: string) => fetchCapped(ctx, joinUrl(target.url, path));
  const [models, options] = await Promise.all([get("/sdapi/v1/sd-models"), get("/sdapi/v1/options")]);
  if (!models.ok) return downFrom(models.failure);
  const m = models.reply;
  const latencyMs = m.latencyMs;
  if (m.status === 404) {
    const judged = judgeUnexpected("AUTOMATIC1111", m, "the checkpoint list", [options]);
    return { ...judged, detail: `${judged.detail}; if this is AUTOMATIC1111, start it with --api` };
  }
  if (m.status !== 200) return judgeUnexpected("AUTOMATIC1111", m, "the checkpoint list", [options]);
  const list = readJsonAs(m, SdModelsSchema);
  if (!list.ok) return judgeUnparsed("AUTOMATIC1111", m, "the checkpoint list", list.problem, [options]);
  const available = list.value.map((c) => c.title);
  if (!options.ok) return probeResult("degraded", options.failure.problem, { latencyMs, models: { loaded: [], available }, errors: [options.failure.problem] });
  const opts = options.reply.status === 200 ? readJsonAs(options.reply, OptionsSchema) : null;
  if (!opts?.ok) {
    const problem = opts ? opts.problem : `${options.reply.label} answered ${options.reply.status}`;
    return probeResult("degraded", `${describeModels(null, available)}; ${problem}`, { latencyMs, models: { loaded: [], available }, errors: [problem] });
  }
  const checkpoint = opts.value.sd_model_checkpoint ?? "";
  // The option holds a title ("name.safetensors [hash]"); the list entry gives its model_name as well.
  const entry = list.value.find((c) => c.title === checkpoint || c.model_name === checkpoint || c.title.startsWith(`${checkpoint} `));
  const loaded = checkpoint ? [entry?.title ?? checkpoint] : [];
  const aliases = list.value.flatMap((c) => [c.title, c.model_name]);
  const loadedAliases = entry ? [entry.title, entry.model_name] : loaded;
  const verdict = judgeModels(target.models, loadedAliases, aliases);
  const summary = checkpoint ? `AUTOMATIC1111 with ${loaded[0]} loaded, ${available.length} checkpoints` : `AUTOMATIC1111, no checkpoint loaded, ${available.length} checkpoints`;
  const found = { latencyMs, models: { loaded, available }, errors: verdict.problems };
  return probeResult(verdict.status, verdict.problems.length ? `${summary}; ${verdict.problems.join("; ")}` : summary, found);
}
