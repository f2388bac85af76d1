/** Small HTTP helpers for the simulator tests: every call has a generous timeout so a bug fails instead of hanging. */
export interface Answer {
  status: number;
  contentType: string;
  text: string;
  bytes: Buffer;
  json(): any;
}

export async function call(url: string, init: RequestInit & { timeoutMs?: number } = {}): Promise<Answer> {
  const res = await fetch(url, { ...init, signal: init.signal ?? AbortSignal.timeout(init.timeoutMs ?? 15_000) });
  const bytes = Buffer.from(await res.arrayBuffer());
  return {
    status: res.status,
    contentType: res.headers.get("content-type") ?? "",
    text: bytes.toString("utf8"),
    bytes,
    json: () => JSON.parse(bytes.toString("utf8")),
  };
}

export function get(url: string, init: RequestInit & { timeoutMs?: number } = {}): Promise<Answer> {
  return call(url, init);
}

export function post(url: string, body: unknown, init: RequestInit & { timeoutMs?: number } = {}): Promise<Answer> {
  return call(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: typeof body === "string" ? body : JSON.stringify(body), ...init });
}

/** The parsed lines of an NDJSON body. */
export function ndjson(text: string): any[] {
  return text.split("\n").filter(Boolean).map((line) => JSON.parse(line));
}

/** The `data:` payloads of an SSE body, in order ("[DONE]" kept as a string). */
export function sseData(text: string): any[] {
  return text
    .split("\n")
    .filter((line) => line.startsWith("data: "))
    .map((line) => line.slice(6))
    .map((data) => (data === "[DONE]" ? data : JSON.parse(data)));
}

/** Reads a streamed body until it ends or fails; the error is returned, not thrown. */
export async function readStream(url: string, body: unknown): Promise<{ status: number; text: string; error?: Error }> {
  const res = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body), signal: AbortSignal.timeout(15_000) });
  let text = "";
  try {
    const decoder = new TextDecoder();
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) text += decoder.decode(chunk, { stream: true });
    return { status: res.status, text };
  } catch (error) {
    return { status: res.status, text, error: error as Error };
  }
}

/** Resolves to the error a request fails with, or throws if it succeeded. */
export async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected the request to fail, it succeeded");
}
