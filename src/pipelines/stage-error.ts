/** The pipeline stages, in order; `input` is the request itself. */
export type StageName = "input" | "stt" | "llm" | "tts" | "vision";

/** A stage that failed: the HTTP status for the client and the stage's name, which the error JSON carries. */
export class StageError extends Error {
  constructor(
    readonly stage: StageName,
    readonly status: number,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
    this.name = "StageError";
  }
}

/**
 * Runs one stage, records its time in `timings` (ms) whether it succeeds or not, and turns anything it throws
 * into a StageError naming it (502: the service behind the stage failed).
 */
export async function runStage<T>(stage: StageName, timings: Record<string, number>, clock: () => number, work: () => Promise<T>): Promise<T> {
  const started = clock();
  try {
    return await work();
  } catch (err) {
    if (err instanceof StageError) throw err;
    const message = err instanceof Error ? (err.name === "TimeoutError" ? "timed out" : err.message) : String(err);
    throw new StageError(stage, 502, `${stage}: ${message}`, { cause: err });
  } finally {
    timings[stage] = clock() - started;
  }
}

/** The message of an error answer from a service: OpenAI, Ollama, FastAPI and plain-text shapes. */
export async function serviceError(res: Response): Promise<string> {
  const text = await res.text().catch(() => "");
  try {
    const json = JSON.parse(text) as { error?: unknown; detail?: unknown; message?: unknown };
    const e = json.error ?? json.detail ?? json.message;
    if (typeof e === "string") return `HTTP ${res.status}: ${e}`;
    if (e && typeof e === "object" && typeof (e as { message?: unknown }).message === "string") return `HTTP ${res.status}: ${(e as { message: string }).message}`;
    if (e !== undefined) return `HTTP ${res.status}: ${JSON.stringify(e).slice(0, 300)}`;
  } catch {
    // not JSON: the text itself says what went wrong
  }
  return `HTTP ${res.status}${text ? `: ${text.slice(0, 300)}` : ""}`;
}
