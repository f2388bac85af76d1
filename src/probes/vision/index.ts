import type { ProbeContext, ProbeKind, ProbeResult } from "../probe-kind.ts";
import { withSlowness } from "../shared/probe-result.ts";
import { probeAutomatic1111 } from "./automatic1111.ts";
import { probeComfyUi } from "./comfyui.ts";
import { probeKserve } from "./kserve.ts";
import { probeOpenAiVision } from "./openai-vision.ts";
import { VisionTargetSchema, type VisionTarget } from "./schema.ts";

const BY_API: Record<VisionTarget["api"], (target: VisionTarget, ctx: ProbeContext) => Promise<ProbeResult>> = {
  openai: probeOpenAiVision,
  kserve: probeKserve,
  automatic1111: probeAutomatic1111,
  comfyui: probeComfyUi,
};

/** Vision and image services, one way per `api`: OpenAI vision chat, Triton/KServe v2, AUTOMATIC1111, ComfyUI. */
async function run(target: VisionTarget, ctx: ProbeContext): Promise<ProbeResult> {
  return withSlowness(await BY_API[target.api](target, ctx), ctx);
}

export const visionProbe = {
  kind: "vision",
  schema: VisionTargetSchema,
  run,
} satisfies ProbeKind<VisionTarget>;
