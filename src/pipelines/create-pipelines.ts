import type { IncomingMessage, ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import type { AppDeps } from "../app-deps.ts";
import { sendJson, type RouteHandler } from "../http/http-server.ts";
import { parseDuration } from "../shared/duration.ts";
import type { Router } from "../router/create-router.ts";
import { BodyError, readBody } from "../router/read-body.ts";
import { RunRecorder } from "../router/run-recorder.ts";
import type { PipelineContext, PipelineRun } from "./pipeline-context.ts";
import { parseVisionInput, parseVoiceInput } from "./pipeline-input.ts";
import { StageError } from "./stage-error.ts";
import { runVisionPipeline } from "./vision-pipeline.ts";
import { runVoicePipeline } from "./voice-pipeline.ts";

/** What the pipelines need from the app. */
export type PipelineDeps = Pick<AppDeps, "config" | "logger" | "fetch" | "now" | "store">;

export interface Pipelines {
  /** POST /v1/pipelines/voice and /v1/pipelines/vision. */
  handler: RouteHandler;
}

// Base64 grows data by a third; the JSON around it is small.
const base64Cap = (bytes: number) => Math.ceil((bytes * 4) / 3) + 64 * 1024;

/**
 * The voice (speech → router → speech) and vision (image → description → router) pipelines over HTTP. Each
 * run is timed per stage and leaves a run record, with the failing stage named when it fails.
 */
export function createPipelines(deps: PipelineDeps, router: Pick<Router, "route">): Pipelines {
  const log = deps.logger.child({ module: "pipelines" });
  const cfg = deps.config.pipelines;
  const recorder = new RunRecorder(deps.store, log);
  const ctx: PipelineContext = {
    services: deps.config.services,
    router,
    fetch: deps.fetch,
    clock: () => performance.now(),
    stageTimeoutMs: parseDuration(cfg.stageTimeout) ?? 120_000,
  };
  for (const [field, name] of [["pipelines.voice.stt", cfg.voice.stt], ["pipelines.voice.tts", cfg.voice.tts], ["pipelines.vision.model", cfg.vision.model]] as const) {
    if (!deps.config.services.some((s) => s.name === name)) log.warn({ field, service: name }, "pipeline service not configured; that pipeline will answer 503");
  }

  async function serve(type: "voice" | "vision", req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = deps.now();
    const run: PipelineRun = { started: ctx.clock(), timings: {}, audioSeconds: null, backend: null, model: null, tier: null, attempts: 0 };
    let outcome: "ok" | "error" | "rejected" = "ok";
    let failure: StageError | undefined;
    try {
      const cap = type === "voice" ? base64Cap(cfg.voice.maxAudioBytes) : base64Cap(cfg.vision.maxImageBytes);
      const body = await readBody(req, cap).catch((err: unknown) => {
        throw new StageError("input", err instanceof BodyError ? err.status : 400, err instanceof Error ? err.message : String(err));
      });
      const contentType = req.headers["content-type"];
      const result =
        type === "voice"
          ? await runVoicePipeline(ctx, cfg.voice, await parseVoiceInput(contentType, body, cfg.voice.maxAudioBytes), run)
          : await runVisionPipeline(ctx, cfg.vision, await parseVisionInput(contentType, body, cfg.vision.maxImageBytes), run);
      send(res, 200, result);
    } catch (err) {
      failure = err instanceof StageError ? err : new StageError("input", 500, `internal error: ${err instanceof Error ? err.message : String(err)}`);
      outcome = failure.stage === "input" && failure.status < 500 ? "rejected" : "error";
      if (outcome === "error") log.warn({ pipeline: type, stage: failure.stage, status: failure.status, error: failure.message }, "pipeline run failed");
      send(res, failure.status, {
        error: { message: failure.message, type: failure.stage === "input" ? "invalid_request_error" : "pipeline_error", stage: failure.stage, code: `${failure.stage}_failed` },
      });
    }
    const totalMs = ctx.clock() - run.started;
    const stageMs = Object.values(run.timings).reduce((a, b) => a + b, 0);
    recorder.record({
      type,
      api: "http",
      backend: run.backend,
      tier: run.tier,
      model: run.model,
      stream: false,
      attempts: run.attempts,
      outcome,
      error: failure?.message ?? null,
      failedStage: failure?.stage ?? null,
      overheadMs: Math.max(0, totalMs - stageMs),
      upstreamMs: stageMs,
      ttfbMs: totalMs,
      totalMs,
      audioSeconds: run.audioSeconds,
      stages: run.timings,
      at,
    });
    // Pipeline runs are few and slow; write each at once so evidence never waits on a timer.
    recorder.flush();
  }

  return {
    handler: (req, res, url) => {
      if (url.pathname !== "/v1/pipelines/voice" && url.pathname !== "/v1/pipelines/vision") return false;
      if (req.method !== "POST") {
        res.setHeader("allow", "POST");
        send(res, 405, { error: { message: "use POST", type: "invalid_request_error", stage: "input", code: "method_not_allowed" } });
        return true;
      }
      return serve(url.pathname.endsWith("voice") ? "voice" : "vision", req, res).then(() => true);
    },
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (!res.headersSent) sendJson(res, status, body);
}
