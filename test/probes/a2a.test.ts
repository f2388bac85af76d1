import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "../../scripts/simulators/index.ts";
import { validateAgentCard } from "../../src/probes/a2a/agent-card.ts";
import { itReportsBrokenStates, itReportsHungAsDown, itReportsWrongService, probeOnce } from "./probe-once.ts";

describe("a2a probe", () => {
  let sim: Simulator;
  const target = () => ({ kind: "a2a", url: sim.url });

  beforeAll(async () => {
    sim = await startSimulator("a2a");
  });
  afterEach(async () => {
    await sim.setMode("up");
    sim.setOptions({ agentCard: "agent-card.json" });
  });
  afterAll(async () => {
    await sim.close();
  });

  it("run() validates a v1.0 card at agent-card.json and reports the agent's version", async () => {
    const r = await probeOnce(target());
    expect(r).toMatchObject({ status: "up", version: "1.0.0", metrics: { "skills.count": 1 } });
    expect(r.detail).toBe('agent "Simulated Agent" 1.0.0, protocol 1.0, 1 skill');
  });

  it("run() falls back to agent.json and validates a v0.3 card there", async () => {
    sim.setOptions({ agentCard: "agent.json" });
    const r = await probeOnce(target());
    expect(r.status).toBe("up");
    expect(r.detail).toMatch(/protocol 0\.3\.0, 1 skill \(legacy \/\.well-known\/agent\.json\)/);
  });

  itReportsBrokenStates(() => sim, target, "agent");

  itReportsWrongService(() => sim, target, "neither card location exists", /no agent card at/);

  itReportsHungAsDown(() => sim, target, "agent");
});

/** The simulator only serves valid cards; this server serves whatever card a case needs. */
describe("a2a probe, invalid cards", () => {
  let server: Server;
  let card: unknown;
  let url: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url !== "/.well-known/agent-card.json") return void res.writeHead(404).end();
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(card));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const v1 = {
    name: "Planner",
    version: "2.1.0",
    skills: [{ id: "plan", name: "Plan" }],
    supportedInterfaces: [{ url: "http://127.0.0.1:41241/", protocolBinding: "JSONRPC", protocolVersion: "1.0" }],
  };

  it.each([
    { name: "a skill lacks its id", card: { ...v1, skills: [{ name: "Plan" }] }, detail: /invalid v1\.0 card at skills\.0\.id/ },
    { name: "an interface URL is not a URL", card: { ...v1, supportedInterfaces: [{ ...v1.supportedInterfaces[0], url: "nowhere" }] }, detail: /supportedInterfaces\.0\.url/ },
    { name: "a v0.3 card lacks protocolVersion", card: { name: "Old", version: "0.1", skills: [], url: "http://127.0.0.1:1/" }, detail: /invalid v0\.3 card at protocolVersion/ },
    { name: "the card names no endpoint at all", card: { name: "Bare", version: "1", skills: [] }, detail: /neither supportedInterfaces \(v1\.0\) nor url and protocolVersion \(v0\.3\)/ },
    { name: "the card has no name", card: { ...v1, name: undefined }, detail: /at name/ },
  ])("run() reports degraded with the field path when $name", async ({ card: c, detail }) => {
    card = c;
    const r = await probeOnce({ kind: "a2a", url });
    expect(r.status).toBe("degraded");
    expect(r.detail).toMatch(detail);
  });

  it("validateAgentCard() accepts a valid v1.0 card and lists its endpoints", () => {
    expect(validateAgentCard(v1)).toEqual({
      ok: true,
      card: { name: "Planner", version: "2.1.0", skills: [{ id: "plan", name: "Plan" }], protocolVersions: ["1.0"], endpoints: ["http://127.0.0.1:41241/"] },
    });
  });
});
