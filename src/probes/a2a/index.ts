import { fetchCapped, joinUrl } from "../http/fetch-capped.ts";
import { judgeUnexpected } from "../http/judge-reply.ts";
import { errorInBody, readJson } from "../http/read-body.ts";
import type { ProbeContext, ProbeKind, ProbeResult } from "../probe-kind.ts";
import { downFrom, probeResult, withSlowness } from "../shared/probe-result.ts";
import { validateAgentCard } from "./agent-card.ts";
import { A2aTargetSchema, type A2aTarget } from "./schema.ts";

/** The v0.3+ location first; `agent.json` is where v0.2 agents still serve their card. */
const CARD_PATHS = ["/.well-known/agent-card.json", "/.well-known/agent.json"] as const;

/**
 * An Agent2Agent agent: its card is fetched and validated (name, version, skills, and v1.0 interfaces or v0.3
 * url + protocolVersion). A card that does not validate is degraded, with the field path in the detail.
 */
async function run(target: A2aTarget, ctx: ProbeContext): Promise<ProbeResult> {
  let out = await fetchCapped(ctx, joinUrl(target.url, CARD_PATHS[0]));
  let legacy = false;
  if (out.ok && out.reply.status === 404) {
    out = await fetchCapped(ctx, joinUrl(target.url, CARD_PATHS[1]));
    legacy = true;
  }
  if (!out.ok) return downFrom(out.failure);
  const reply = out.reply;
  const latencyMs = reply.latencyMs;
  if (reply.status !== 200) {
    const judged = judgeUnexpected("an A2A agent", reply, "an agent card");
    return legacy && reply.status === 404 ? { ...judged, detail: `no agent card at ${CARD_PATHS.join(" or ")}; ${judged.detail}` } : judged;
  }
  const json = readJson(reply);
  if (!json.ok || errorInBody(json.value) !== null) {
    const judged = judgeUnexpected("an A2A agent", reply, "an agent card");
    return judged.status === "wrong-service" || !json.ok ? judged : probeResult("down", judged.detail, { latencyMs, errors: judged.errors });
  }
  const checked = validateAgentCard(json.value);
  if (!checked.ok) {
    const detail = `${reply.label}: ${checked.problem}`;
    return probeResult("degraded", detail, { latencyMs, errors: [detail] });
  }
  const card = checked.card;
  const where = legacy ? ` (legacy ${CARD_PATHS[1]})` : "";
  const detail = `agent "${card.name}" ${card.version}, protocol ${card.protocolVersions.join("/")}, ${card.skills.length} skill${card.skills.length === 1 ? "" : "s"}${where}`;
  return withSlowness(
    probeResult("up", detail, {
      latencyMs,
      version: card.version,
      metrics: { "skills.count": card.skills.length },
    }),
    ctx,
  );
}

export const a2aProbe = {
  kind: "a2a",
  schema: A2aTargetSchema,
  run,
} satisfies ProbeKind<A2aTarget>;
