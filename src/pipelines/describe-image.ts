import type { VisionTarget } from "../probes/vision/schema.ts";
import { serviceError } from "./stage-error.ts";

/** Asks an OpenAI-compatible vision model to describe an image sent as a base64 data URL. */
export async function describeImage(service: VisionTarget, dataUrl: string, prompt: string, fetchFn: typeof fetch, signal: AbortSignal): Promise<string> {
  const res = await fetchFn(new URL("/v1/chat/completions", service.url), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      model: service.model ?? "default",
      stream: false,
      messages: [{ role: "user", content: [{ type: "text", text: prompt }, { type: "image_url", image_url: { url: dataUrl } }] }],
    }),
    signal,
  });
  if (!res.ok) throw new Error(await serviceError(res));
  const json = (await res.json().catch(() => undefined)) as { choices?: { message?: { content?: unknown } }[] } | undefined;
  const content = json?.choices?.[0]?.message?.content;
  if (typeof content !== "string" || !content.trim()) throw new Error("the answer has no description");
  return content.trim();
}
