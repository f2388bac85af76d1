import { z } from "zod";
import { fetchCapped, joinUrl } from "../http/fetch-capped.ts";
import { coldWhileLoading, judgeUnexpected, judgeUnparsed, otherServer } from "../http/judge-reply.ts";
import { readModelList } from "../http/model-list.ts";
import { bodyText, readJsonAs } from "../http/read-body.ts";
import type { ProbeContext, ProbeResult } from "../probe-kind.ts";
import { downFrom, probeResult } from "../shared/probe-result.ts";
import { makeTinyPng, pngDataUrl } from "../shared/tiny-png.ts";
import type { VisionTarget } from "./schema.ts";

const IMAGE_URL = pngDataUrl(makeTinyPng(8));

const CompletionSchema = z.looseObject({
  choices: z.array(z.looseObject({ message: z.looseObject({ content: z.string().nullable() }) })).min(1),
});

const SELF = "an OpenAI-compatible vision server";

/**
 * Asks the vision model about a generated 8×8 PNG (as a data URL, which every server accepts) and requires a
 * non-empty text answer. `max_tokens` stays small: the probe tests the path, not the model's eloquence.
 */
export async function probeOpenAiVision(target: VisionTarget, ctx: ProbeContext): Promise<ProbeResult> {
  const chosen = target.model ?? target.models[0] ?? (await firstListedModel(target, ctx));
  if (typeof chosen !== "string") return chosen;
  const model = chosen;
  const body = JSON.stringify({
    model,
    stream: false,
    max_tokens: 16,
    temperature: 0,
    messages: [
      {
        role: "user",
        content: [
          { type: "text", text: "Name the two colours in this image in a few words." },
          { type: "image_url", image_url: { url: IMAGE_URL } },
        ],
      },
    ],
  });
  const out = await fetchCapped(ctx, joinUrl(target.url, "/v1/chat/completions"), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
  });
  if (!out.ok) return downFrom(out.failure);
  const reply = out.reply;
  const latencyMs = reply.latencyMs;
  const cold = coldWhileLoading(reply, "the model is loading");
  if (cold) return cold;
  const other = reply.status !== 200 ? otherServer(SELF, [reply]) : null;
  if (other) return judgeUnexpected(SELF, reply, "a chat completion");
  if (reply.status === 404 && (bodyText(reply) ?? "").includes(model)) {
    const detail = `${reply.label} answered 404: model ${model} not found`;
    return probeResult("degraded", detail, { latencyMs, errors: [detail] });
  }
  if (reply.status !== 200) return judgeUnexpected(SELF, reply, "a chat completion");
  const parsed = readJsonAs(reply, CompletionSchema);
  if (!parsed.ok) return judgeUnparsed(SELF, reply, "a chat completion", parsed.problem);
  const text = parsed.value.choices[0]!.message.content?.trim() ?? "";
  const models = { loaded: [model], available: [model] };
  if (text === "") {
    const detail = `${model} answered the image with empty text`;
    return probeResult("degraded", detail, { latencyMs, models, errors: [detail] });
  }
  return probeResult("up", `${model} described a test image in ${Math.round(latencyMs)} ms: "${text.slice(0, 40)}"`, { latencyMs, models });
}

/** With no model configured, the first one the server lists; a failure to list is the probe's result. */
async function firstListedModel(target: VisionTarget, ctx: ProbeContext): Promise<string | ProbeResult> {
  const out = await fetchCapped(ctx, joinUrl(target.url, "/v1/models"));
  if (!out.ok) return downFrom(out.failure);
  const cold = coldWhileLoading(out.reply, "the model is loading");
  if (cold) return cold;
  if (out.reply.status !== 200) return judgeUnexpected(SELF, out.reply, "a /v1/models list (no model is configured)");
  const list = readModelList(out.reply);
  if (!list.ok) return probeResult("down", list.problem, { latencyMs: out.reply.latencyMs, errors: [list.problem] });
  const first = list.value[0]?.id;
  if (!first) return probeResult("degraded", "no model configured and the server lists none", { latencyMs: out.reply.latencyMs });
  return first;
}
