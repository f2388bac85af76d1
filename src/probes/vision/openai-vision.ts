import { z } from "zod";
import { fetchCapped, joinUrl } from "../http/fetch-capped.ts";
import { judgeUnexpected } from "../http/judge-reply.ts";
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
  const model = target.model ?? target.models[0] ?? "default";
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
  if (reply.status === 503 && /loading/i.test(bodyText(reply) ?? "")) {
    return probeResult("cold", `${reply.label} answered 503: the model is loading`, { latencyMs });
  }
  if (reply.status === 404 && /model/i.test(bodyText(reply) ?? "")) {
    const detail = `${reply.label} answered 404: model ${model} not found`;
    return probeResult("degraded", detail, { latencyMs, errors: [detail] });
  }
  if (reply.status !== 200) return judgeUnexpected(SELF, reply, "a chat completion");
  const parsed = readJsonAs(reply, CompletionSchema);
  if (!parsed.ok) {
    const judged = judgeUnexpected(SELF, reply, "a chat completion");
    return judged.status === "wrong-service" ? judged : probeResult("down", parsed.problem, { latencyMs, errors: [parsed.problem] });
  }
  const text = parsed.value.choices[0]!.message.content?.trim() ?? "";
  const models = { loaded: [model], available: [model] };
  if (text === "") {
    const detail = `${model} answered the image with empty text`;
    return probeResult("degraded", detail, { latencyMs, models, errors: [detail] });
  }
  return probeResult("up", `${model} described a test image in ${Math.round(latencyMs)} ms: "${text.slice(0, 40)}"`, { latencyMs, models });
}
