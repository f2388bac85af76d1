import { z } from "zod";
import { firstIssue } from "../http/read-body.ts";

const SkillSchema = z.looseObject({
  id: z.string().min(1),
  name: z.string().min(1),
  description: z.string().optional(),
  tags: z.array(z.string()).optional(),
});

const cardBase = {
  name: z.string().min(1),
  version: z.string().min(1),
  description: z.string().optional(),
  skills: z.array(SkillSchema),
};

/** A2A v1.0: where to talk to the agent is a list of interfaces, each with its own binding and version. */
export const AgentCardV1Schema = z.looseObject({
  ...cardBase,
  supportedInterfaces: z
    .array(z.looseObject({ url: z.url(), protocolBinding: z.string().min(1), protocolVersion: z.string().min(1) }))
    .min(1, "at least one interface"),
});

/** A2A v0.3 (and v0.2 `agent.json`): one top-level `url` and `protocolVersion`. */
export const AgentCardV03Schema = z.looseObject({ ...cardBase, url: z.url(), protocolVersion: z.string().min(1) });

export interface AgentCard {
  name: string;
  version: string;
  skills: { id: string; name: string }[];
  /** "1.0" style protocol versions the card offers. */
  protocolVersions: string[];
  /** The JSON-RPC (or other binding) endpoints the card names. */
  endpoints: string[];
}

/**
 * Validates an agent card as v1.0 when it has `supportedInterfaces`, else as v0.3. Returns the card, or the
 * path of the first wrong field and what is wrong with it.
 */
export function validateAgentCard(value: unknown): { ok: true; card: AgentCard } | { ok: false; problem: string } {
  if (!value || typeof value !== "object" || Array.isArray(value)) return { ok: false, problem: "the card is not a JSON object" };
  const raw = value as Record<string, unknown>;
  if ("supportedInterfaces" in raw) {
    const v1 = AgentCardV1Schema.safeParse(raw);
    if (!v1.success) return { ok: false, problem: `invalid v1.0 card at ${firstIssue(v1.error)}` };
    const ifaces = v1.data.supportedInterfaces;
    return { ok: true, card: { ...pick(v1.data), protocolVersions: unique(ifaces.map((i) => i.protocolVersion)), endpoints: ifaces.map((i) => i.url) } };
  }
  if (!("url" in raw) && !("protocolVersion" in raw)) {
    return { ok: false, problem: "invalid card: neither supportedInterfaces (v1.0) nor url and protocolVersion (v0.3)" };
  }
  const v03 = AgentCardV03Schema.safeParse(raw);
  if (!v03.success) return { ok: false, problem: `invalid v0.3 card at ${firstIssue(v03.error)}` };
  return { ok: true, card: { ...pick(v03.data), protocolVersions: [v03.data.protocolVersion], endpoints: [v03.data.url] } };
}

function pick(c: { name: string; version: string; skills: { id: string; name: string }[] }) {
  return { name: c.name, version: c.version, skills: c.skills.map((s) => ({ id: s.id, name: s.name })) };
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}
