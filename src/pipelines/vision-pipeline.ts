import type { PipelinesConfig } from "../router/router-config.ts";
import { describeImage } from "./describe-image.ts";
import { askRouter, serviceOf, type PipelineContext, type PipelineRun } from "./pipeline-context.ts";
import type { VisionInput } from "./pipeline-input.ts";
import { runStage, StageError } from "./stage-error.ts";

export interface VisionResult {
  description: string;
  answer: string;
  timings: { vision: number; llm: number; total: number };
  backend: string;
  model: string;
}

const SYSTEM =
  "You answer questions about an image. You cannot see it: a vision model has described it for you. Answer from the description; say so when it does not tell.";

/** Image and question in: the vision model describes the image, then the router answers from the description. */
export async function runVisionPipeline(ctx: PipelineContext, cfg: PipelinesConfig["vision"], input: VisionInput, run: PipelineRun): Promise<VisionResult> {
  const service = serviceOf(ctx.services, cfg.model, "vision", "vision", "pipelines.vision.model");
  if (service.api !== "openai") {
    throw new StageError("vision", 503, `vision: service "${service.name}" speaks ${service.api}; describing an image needs a vision service with api: openai`);
  }
  const description = await runStage("vision", run.timings, ctx.clock, () =>
    describeImage(service, input.dataUrl, cfg.describePrompt, ctx.fetch, AbortSignal.timeout(ctx.stageTimeoutMs)),
  );
  const llm = await runStage("llm", run.timings, ctx.clock, () =>
    askRouter(ctx, run, {
      model: input.model ?? cfg.llm,
      messages: [
        { role: "system", content: SYSTEM },
        { role: "user", content: `Image description:\n${description}\n\nQuestion: ${input.question}` },
      ],
    }),
  );
  return {
    description,
    answer: llm.answer,
    timings: { vision: run.timings.vision!, llm: run.timings.llm!, total: ctx.clock() - run.started },
    backend: llm.backend,
    model: llm.model,
  };
}
