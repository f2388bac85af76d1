import { z } from "zod";
import { fetchCapped, joinUrl } from "../http/fetch-capped.ts";
import { judgeUnexpected, judgeUnparsed } from "../http/judge-reply.ts";
import { bodyText, readJsonAs, snippet } from "../http/read-body.ts";
import type { ProbeContext, ProbeResult } from "../probe-kind.ts";
import { downFrom, probeResult } from "../shared/probe-result.ts";
import type { TtsTarget } from "./schema.ts";
import { AUDIO_CAP, SPOKEN_TEXT, spokenResult } from "./spoken-result.ts";

const CallSchema = z.object({ event_id: z.string().min(1) });
/** Gradio's file object; `url` is absolute on Gradio 4+, `path` a server path older ones serve under `file=`. */
const FileDataSchema = z.looseObject({ url: z.string().nullish(), path: z.string().nullish() });
const InfoSchema = z.looseObject({ named_endpoints: z.record(z.string(), z.unknown()) });

/**
 * Nari Dia's inputs to `generate_audio`, in order: text (Dia wants speaker tags), audio prompt text, audio prompt,
 * max new tokens (the slider's minimum, the cheapest), CFG scale, temperature, top-p, CFG filter top-k, speed, seed.
 */
function diaInputs(text: string): unknown[] {
  return [`[S1] ${text}`, "", null, 860, 3.0, 1.3, 0.95, 45, 0.94, 42];
}

/** Gradio's two-step call: POST starts the job, GET streams its events; then the audio file is fetched. */
export async function synthesiseGradio(target: TtsTarget, ctx: ProbeContext): Promise<ProbeResult> {
  const started = ctx.now();
  const endpoint = `/gradio_api/call/${encodeURIComponent(target.gradioEndpoint)}`;
  const call = await fetchCapped(ctx, joinUrl(target.url, endpoint), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ data: diaInputs(SPOKEN_TEXT) }),
  });
  if (!call.ok) return downFrom(call.failure);
  if (call.reply.status !== 200) return judgeUnexpected("a Gradio app", call.reply, `an event id from ${endpoint}`);
  const job = readJsonAs(call.reply, CallSchema);
  if (!job.ok) return probeResult("down", job.problem, { latencyMs: call.reply.latencyMs, errors: [job.problem] });

  const events = await fetchCapped(ctx, joinUrl(target.url, `${endpoint}/${encodeURIComponent(job.value.event_id)}`));
  if (!events.ok) return downFrom(events.failure);
  if (events.reply.status !== 200) return judgeUnexpected("a Gradio app", events.reply, "an event stream");
  const outcome = lastEvent(bodyText(events.reply) ?? "");
  const elapsed = () => ctx.now() - started;
  if (!outcome || outcome.event !== "complete") {
    const why = outcome?.event === "error" ? `the job failed (event: error${outcome.data && outcome.data !== "null" ? `, ${outcome.data.slice(0, 100)}` : ""})` : `no "complete" event in ${snippet(events.reply, 60)}`;
    return probeResult("down", `${endpoint}: ${why}`, { latencyMs: elapsed(), errors: [why] });
  }
  const fileUrl = audioUrlOf(outcome.data, target.url);
  if (typeof fileUrl !== "string") return probeResult("down", `${endpoint}: ${fileUrl.problem}`, { latencyMs: elapsed(), errors: [fileUrl.problem] });
  const audio = await fetchCapped(ctx, fileUrl, { cap: AUDIO_CAP });
  if (!audio.ok) return downFrom(audio.failure);
  if (audio.reply.status !== 200) {
    const detail = `the audio file ${audio.reply.label} answered ${audio.reply.status}`;
    return probeResult("down", detail, { latencyMs: elapsed(), errors: [detail] });
  }
  return spokenResult(audio.reply.body, elapsed(), null, SPOKEN_TEXT);
}

/** Cheap liveness between syntheses: `/gradio_api/info` lists the app's endpoints; ours must be among them. */
export async function gradioAlive(target: TtsTarget, ctx: ProbeContext): Promise<ProbeResult> {
  const info = await fetchCapped(ctx, joinUrl(target.url, "/gradio_api/info"));
  if (!info.ok) return downFrom(info.failure);
  const reply = info.reply;
  if (reply.status !== 200) return judgeUnexpected("a Gradio app", reply, "the Gradio API info");
  const parsed = readJsonAs(reply, InfoSchema);
  if (!parsed.ok) return judgeUnparsed("a Gradio app", reply, "the Gradio API info", parsed.problem);
  if (!(`/${target.gradioEndpoint}` in parsed.value.named_endpoints)) {
    const detail = `the Gradio app has no /${target.gradioEndpoint} endpoint (has ${Object.keys(parsed.value.named_endpoints).join(", ") || "none"})`;
    return probeResult("wrong-service", detail, { latencyMs: reply.latencyMs, errors: [detail] });
  }
  return probeResult("up", `the Gradio app lists /${target.gradioEndpoint}`, { latencyMs: reply.latencyMs });
}

/** The last `event:` of an SSE body with its `data:` line. */
export function lastEvent(sse: string): { event: string; data: string } | null {
  let last: { event: string; data: string } | null = null;
  let event = "message";
  for (const line of sse.split(/\r?\n/)) {
    if (line.startsWith("event:")) event = line.slice(6).trim();
    else if (line.startsWith("data:")) last = { event, data: line.slice(5).trim() };
    else if (line === "") event = "message";
  }
  return last;
}

/**
 * The audio file's URL from the `complete` data (`[fileData, seed, log]`), moved onto the target's origin: the
 * probe fetches only from the server it was told to probe, whatever host name the app put in its URLs.
 */
function audioUrlOf(data: string, base: string): string | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return { problem: `the "complete" event's data is not JSON: ${data.slice(0, 60)}` };
  }
  const first = Array.isArray(value) ? value[0] : undefined;
  const file = FileDataSchema.safeParse(first);
  if (!file.success || (!file.data.url && !file.data.path)) return { problem: "the result holds no audio file (no url or path)" };
  const origin = new URL(base);
  if (file.data.url) {
    const u = new URL(file.data.url, origin);
    return new URL(u.pathname + u.search, origin).toString();
  }
  return joinUrl(base, `/gradio_api/file=${file.data.path}`);
}
