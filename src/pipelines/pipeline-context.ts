import type { ServiceConfig } from "../config/schema.ts";
import { RouteFailure, type RouteAnswer, type RouteInput, type Router } from "../router/create-router.ts";
import { StageError, type StageName } from "./stage-error.ts";

/** What a pipeline run needs: services by name, the router, fetch and clocks. */
export interface PipelineContext {
  services: readonly ServiceConfig[];
  router: Pick<Router, "route">;
  fetch: typeof fetch;
  /** Monotonic ms. */
  clock: () => number;
  stageTimeoutMs: number;
}

/** What is known about one run as it goes, for its run record even when it fails part-way. */
export interface PipelineRun {
  /** clock() at the start. */
  started: number;
  timings: Record<string, number>;
  audioSeconds: number | null;
  backend: string | null;
  model: string | null;
  tier: string | null;
  attempts: number;
}

/** The configured service for a stage, of the kind the stage needs; a 503 naming the stage otherwise. */
export function serviceOf<K extends ServiceConfig["kind"]>(services: readonly ServiceConfig[], name: string, kind: K, stage: StageName, field: string): Extract<ServiceConfig, { kind: K }> {
  const service = services.find((s) => s.name === name);
  if (!service) throw new StageError(stage, 503, `${stage}: ${field} names "${name}", which is not in services`);
  if (service.kind !== kind) throw new StageError(stage, 503, `${stage}: ${field} names "${name}", a ${service.kind} service; it must be a ${kind} service`);
  return service as Extract<ServiceConfig, { kind: K }>;
}

/** One chat through the router; its failure becomes the llm stage's, with the router's status. */
export async function askRouter(ctx: PipelineContext, run: PipelineRun, input: RouteInput): Promise<RouteAnswer> {
  try {
    const answer = await ctx.router.route(input);
    run.backend = answer.backend;
    run.model = answer.model;
    run.tier = answer.tier;
    run.attempts = answer.attempts;
    return answer;
  } catch (err) {
    if (err instanceof RouteFailure) {
      run.backend = err.backend;
      run.attempts = err.attempts;
      throw new StageError("llm", err.status >= 500 ? err.status : 502, `llm: ${err.message}`, { cause: err });
    }
    throw err;
  }
}
