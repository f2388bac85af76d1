import type { z } from "zod";
import type { HttpReply } from "./fetch-capped.ts";

/** Why a body was not what was expected: unreadable, an error message, or JSON of another shape. */
export type ParseFailure = "not-json" | "error-body" | "shape";

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string; reason: ParseFailure };

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** The body as text, or null when it is not printable UTF-8 (binary or garbage). */
export function bodyText(reply: HttpReply): string | null {
  let text: string;
  try {
    text = utf8.decode(reply.body);
  } catch {
    return null;
  }
  // Control characters other than whitespace mean bytes, not text.
  return /[\u0000-\u0008\u000e-\u001f\u007f]/.test(text) ? null : text;
}

/** A short, printable excerpt of the body for a detail line. */
export function snippet(reply: HttpReply, max = 80): string {
  const text = bodyText(reply);
  if (text === null) return `<${reply.body.length} bytes of binary>`;
  const one = text.replace(/\s+/g, " ").trim();
  if (one === "") return "<empty body>";
  return one.length > max ? `${one.slice(0, max)}…` : one;
}

export function looksLikeHtml(reply: HttpReply): boolean {
  if (/text\/html/i.test(reply.contentType)) return true;
  const head = reply.body.subarray(0, 256).toString("utf8").trimStart().toLowerCase();
  return head.startsWith("<!doctype html") || head.startsWith("<html");
}

/** Parses a JSON body; HTML, binary and broken JSON each get their own reason. */
export function readJson(reply: HttpReply): Parsed<unknown> {
  const text = bodyText(reply);
  const fail = (problem: string): Parsed<unknown> => ({ ok: false, problem: `${reply.label} answered ${reply.status} with ${problem}`, reason: "not-json" });
  if (text === null) return fail(`${reply.body.length} bytes of binary, not JSON`);
  if (looksLikeHtml(reply)) return fail("an HTML page, not JSON");
  if (text.trim() === "") return fail("an empty body, not JSON");
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return fail(`a body that is not JSON: ${snippet(reply, 60)}`);
  }
}

/**
 * An `error` member (or FastAPI's lone `detail`) in a JSON answer: servers such as LM Studio and Ollama report
 * failures this way, some with 200.
 * Returns the message, or null when the body carries no error.
 */
export function errorInBody(value: unknown): string | null {
  if (!value || typeof value !== "object" || Array.isArray(value)) return null;
  const err = (value as { error?: unknown }).error;
  const detail = (value as { detail?: unknown }).detail;
  // FastAPI apps (speaches, Kokoro, A1111) answer errors as {"detail": …} and nothing else.
  if (err === undefined && detail !== undefined && Object.keys(value).length === 1) {
    return typeof detail === "string" ? detail : JSON.stringify(detail).slice(0, 120);
  }
  if (err === undefined || err === null || err === false) return null;
  if (typeof err === "string") return err;
  if (typeof err === "object" && typeof (err as { message?: unknown }).message === "string") return (err as { message: string }).message;
  return JSON.stringify(err).slice(0, 120);
}

/** Parses a JSON body against a schema; a mismatch names the first field that is wrong. */
export function readJsonAs<T>(reply: HttpReply, schema: z.ZodType<T>): Parsed<T> {
  const json = readJson(reply);
  if (!json.ok) return json;
  const error = errorInBody(json.value);
  if (error !== null) return { ok: false, problem: `${reply.label} answered ${reply.status} with an error: ${error}`, reason: "error-body" };
  const parsed = schema.safeParse(json.value);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, problem: `${reply.label} answered JSON of the wrong shape: ${firstIssue(parsed.error)}`, reason: "shape" };
}

/** "data.0.id: expected string", the field path and what was wrong, for details. */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "invalid";
  const path = issue.path.map(String).join(".");
  return path ? `${path}: ${issue.message}` : issue.message;
}
