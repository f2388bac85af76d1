import type { ProbeResult } from "../probe-kind.ts";
import { probeResult } from "../shared/probe-result.ts";
import type { HttpOutcome, HttpReply } from "./fetch-capped.ts";
import { bodyText, errorInBody, looksLikeHtml, snippet } from "./read-body.ts";
import { recogniseServer, type KnownServer } from "./recognise-server.ts";

/** The first other server recognised among the replies, with the reply that gave it away. */
export function otherServer(self: string, outcomes: readonly (HttpOutcome | HttpReply | undefined)[]): { server: KnownServer; reply: HttpReply } | null {
  for (const o of outcomes) {
    const reply = o && "label" in o && "body" in o ? o : o && "ok" in o && o.ok ? o.reply : undefined;
    if (!reply) continue;
    const server = recogniseServer(reply);
    if (server && !server.includes(self) && !self.includes(server)) return { server, reply };
  }
  return null;
}

/**
 * Classifies an answer that is not what `self` gives at this route: another server (wrong-service), a server
 * error or garbage (down), or a route this port does not have (wrong-service). `others` are further replies from
 * the same probe that may identify the server when this one does not.
 */
export function judgeUnexpected(self: string, reply: HttpReply, expectation: string, others: readonly (HttpOutcome | undefined)[] = []): ProbeResult {
  const found = { latencyMs: reply.latencyMs };
  const other = otherServer(self, [reply, ...others]);
  if (other) {
    const detail = `answers like ${other.server}, not ${self}: ${other.reply.label} gave ${other.reply.status} ${snippet(other.reply, 60)}`;
    return probeResult("wrong-service", detail, { ...found, errors: [detail] });
  }
  const fail = (status: ProbeResult["status"], detail: string) => probeResult(status, detail, { ...found, errors: [detail] });
  if (reply.status >= 500) return fail("down", `${reply.label} answered ${reply.status}: ${snippet(reply)}`);
  if (bodyText(reply) === null) return fail("down", `${reply.label} answered ${reply.status} with ${reply.body.length} bytes of garbage; expected ${expectation}`);
  // A route the service must have is missing: whatever answered is not the service, whatever its 404 says.
  if (reply.status === 404 || reply.status === 405) {
    return fail("wrong-service", `${reply.label} answered ${reply.status} (${snippet(reply, 60)}): not ${self} (expected ${expectation})`);
  }
  const error = errorInBody(safeJson(reply));
  if (error !== null) return fail("down", `${reply.label} answered ${reply.status} with an error: ${error}`);
  if (reply.status === 401 || reply.status === 403) return fail("down", `${reply.label} answered ${reply.status}: access denied (check apiKey)`);
  if (looksLikeHtml(reply)) return fail("down", `${reply.label} answered ${reply.status} with an HTML page; expected ${expectation}`);
  return fail("down", `${reply.label} answered ${reply.status} with ${snippet(reply, 60)}; expected ${expectation}`);
}

/**
 * A 200 whose body is not what `self` sends: wrong-service when the answer gives another server away, else down
 * with the reason the body did not parse (more precise than judgeUnexpected's generic "expected ...").
 */
export function judgeUnparsed(self: string, reply: HttpReply, expectation: string, problem: string, others: readonly (HttpOutcome | undefined)[] = []): ProbeResult {
  const judged = judgeUnexpected(self, reply, expectation, others);
  return judged.status === "wrong-service" ? judged : probeResult("down", problem, { latencyMs: reply.latencyMs, errors: [problem] });
}

/** OpenAI-style servers answer 503 with "loading" in the body while a model loads: reachable, so cold, not down. */
export function coldWhileLoading(reply: HttpReply, what: string): ProbeResult | null {
  if (reply.status !== 503 || !/loading/i.test(bodyText(reply) ?? "")) return null;
  return probeResult("cold", `${reply.label} answered 503: ${what}`, { latencyMs: reply.latencyMs });
}

function safeJson(reply: HttpReply): unknown {
  try {
    return JSON.parse(reply.body.toString("utf8"));
  } catch {
    return undefined;
  }
}
