import type { ServiceConfig } from "../config/schema.ts";
import type { Logger } from "../shared/logger.ts";
import { parseDuration } from "../shared/duration.ts";
import { emptyResult, type ProbeResult } from "./probe-kind.ts";
import { probeKindOf } from "./registry.ts";

export interface RunProbeDeps {
  fetch: typeof fetch;
  logger: Logger;
  now: () => number;
  /** The default timeout (probe.timeout); a service's own `timeout` wins. */
  defaultTimeoutMs: number;
  /** Stops the probe early, e.g. when the scheduler stops. */
  signal?: AbortSignal;
}

/**
 * Runs one probe under its own timeout and never throws: a probe that throws, hangs or returns nonsense
 * becomes a `down` result with the reason in `detail`, so no probe can stop the scheduler or delay the others.
 */
export async function runProbe(target: ServiceConfig, deps: RunProbeDeps): Promise<ProbeResult> {
  const timeoutMs = (target.timeout ? parseDuration(target.timeout) : undefined) ?? deps.defaultTimeoutMs;
  const controller = new AbortController();
  const onOuterAbort = () => controller.abort(deps.signal?.reason);
  deps.signal?.addEventListener("abort", onOuterAbort, { once: true });
  const logger = deps.logger.child({ module: "probes", kind: target.kind, service: target.name });
  const started = deps.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<ProbeResult>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new Error(`timed out after ${timeoutMs} ms`));
      resolve({ ...emptyResult("down", `no answer within ${timeoutMs} ms`), errors: [`timeout after ${timeoutMs} ms`] });
    }, timeoutMs);
  });
  try {
    const kind = probeKindOf(target.kind);
    const run = kind.run(target, { fetch: deps.fetch, signal: controller.signal, logger, now: deps.now, timeoutMs });
    const result = await Promise.race([run, timeout]);
    return normalise(result);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    logger.debug({ err: message }, "probe threw");
    return { ...emptyResult("down", message), latencyMs: deps.now() - started, errors: [message] };
  } finally {
    clearTimeout(timer);
    controller.abort();
    deps.signal?.removeEventListener("abort", onOuterAbort);
  }
}

/** Guards against a kind returning a malformed result. */
function normalise(r: ProbeResult): ProbeResult {
  return {
    status: r.status,
    latencyMs: typeof r.latencyMs === "number" && Number.isFinite(r.latencyMs) ? r.latencyMs : null,
    models: { loaded: [...(r.models?.loaded ?? [])], available: [...(r.models?.available ?? [])] },
    version: r.version ?? null,
    detail: r.detail ?? "",
    errors: [...new Set(r.errors ?? [])],
    metrics: { ...(r.metrics ?? {}) },
  };
}
