import type { BenchmarkRequestOptions } from "./benchmark-types.ts";

/** The request's own time limit, combined with the run's stop signal. */
export function requestSignal(o: BenchmarkRequestOptions): AbortSignal {
  const timeout = AbortSignal.timeout(o.timeoutMs);
  return o.signal ? AbortSignal.any([o.signal, timeout]) : timeout;
}

/** An error naming the route and status, with the start of the body (capped: a huge error page is not read). */
export async function responseError(res: Response, route: string): Promise<Error> {
  let text = "";
  try {
    const reader = res.body?.getReader();
    if (reader) {
      const { value } = await reader.read();
      text = new TextDecoder().decode(value ?? new Uint8Array()).slice(0, 200);
      await reader.cancel();
    }
  } catch {
    // The status is enough.
  }
  return new Error(`${route}: HTTP ${res.status}${text ? ` ${text.replace(/\s+/g, " ").trim()}` : ""}`);
}

/** Runs one request, naming the route in any error it throws (a socket cut mid-stream says only "terminated"). */
export async function onRoute<T>(route: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (message.startsWith(route)) throw err;
    const why = (err as Error).name === "TimeoutError" ? "timed out" : message === "terminated" ? "the connection closed mid-answer" : message;
    throw new Error(`${route}: ${why}`, { cause: err });
  }
}
