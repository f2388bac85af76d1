import type { BoardApiError } from "./board-types.ts";

const KEY_STORAGE = "ai-tracker.board.key";

/** An /board/api answer other than 2xx, with the field the server named. */
export class ApiError extends Error {
  readonly status: number;
  readonly field: string | undefined;

  constructor(status: number, message: string, field?: string) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.field = field;
  }
}

function storage(): Storage | undefined {
  try {
    return window.sessionStorage;
  } catch {
    return undefined;
  }
}

/**
 * Takes a bearer key handed over in the address (`/#key=…`) into this tab's session storage and removes it from
 * the address bar, so it is not left in history or shown over someone's shoulder.
 */
export function takeKeyFromLocation(): void {
  const m = /(?:^|&)key=([^&]+)/.exec(location.hash.slice(1));
  if (!m) return;
  setKey(decodeURIComponent(m[1]!));
  history.replaceState(null, "", location.pathname + location.search);
}

export function setKey(key: string): void {
  storage()?.setItem(KEY_STORAGE, key);
}

/** fetch() for /board/api, with the tracker's bearer key when one was given. */
export function apiFetch(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const key = storage()?.getItem(KEY_STORAGE);
  if (key) headers.set("authorization", `Bearer ${key}`);
  return fetch(path, { ...init, headers, cache: "no-store" });
}

async function toError(res: Response): Promise<ApiError> {
  let message = `HTTP ${res.status}`;
  let field: string | undefined;
  try {
    const body = (await res.json()) as BoardApiError;
    if (body?.error?.message) message = body.error.message;
    field = body?.error?.field;
  } catch {
    // Not JSON: keep the status line.
  }
  return new ApiError(res.status, message, field);
}

export async function getJson<T>(path: string): Promise<T> {
  const res = await apiFetch(path);
  if (!res.ok) throw await toError(res);
  return (await res.json()) as T;
}

export async function postJson<T>(path: string, body: unknown): Promise<T> {
  const res = await apiFetch(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (!res.ok) throw await toError(res);
  return (await res.json()) as T;
}
