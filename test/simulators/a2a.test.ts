import { describe, expect, it } from "vitest";
import { DEFAULT_REPLY } from "../../scripts/simulators/index.ts";
import { get, post, readStream, sseData } from "./http.ts";
import { simulators } from "./sim-lifecycle.ts";

const start = simulators("a2a");
const v1Send = { jsonrpc: "2.0", id: 1, method: "SendMessage", params: { message: { role: "ROLE_USER", parts: [{ text: "hi" }], messageId: "m1" } } };
const v03Send = { jsonrpc: "2.0", id: 2, method: "message/send", params: { message: { role: "user", parts: [{ kind: "text", text: "hi" }], messageId: "m2" } } };

describe("the a2a simulator", () => {
  it.each([
    { agentCard: "agent-card.json" as const, cardV1: 200, cardV03: 404 },
    { agentCard: "agent.json" as const, cardV1: 404, cardV03: 200 },
    { agentCard: "both" as const, cardV1: 200, cardV03: 200 },
  ])("agentCard $agentCard: agent-card.json $cardV1, agent.json $cardV03", async ({ agentCard, cardV1, cardV03 }) => {
    const sim = await start({ agentCard });
    expect((await get(`${sim.url}/.well-known/agent-card.json`)).status).toBe(cardV1);
    expect((await get(`${sim.url}/.well-known/agent.json`)).status).toBe(cardV03);
  });

  it("the v1.0 card has supportedInterfaces pointing at the agent; the v0.3 card a top-level url", async () => {
    const sim = await start({ agentCard: "both" });
    expect((await get(`${sim.url}/.well-known/agent-card.json`)).json()).toMatchObject({
      supportedInterfaces: [{ url: `${sim.url}/`, protocolBinding: "JSONRPC", protocolVersion: "1.0" }], skills: [{ id: "chat" }],
    });
    expect((await get(`${sim.url}/.well-known/agent.json`)).json()).toMatchObject({ url: `${sim.url}/`, protocolVersion: "0.3.0", preferredTransport: "JSONRPC" });
  });

  it("the card switch can change at run time through /__sim/options", async () => {
    const sim = await start();
    await post(`${sim.url}/__sim/options`, { agentCard: "agent.json" });
    expect((await get(`${sim.url}/.well-known/agent-card.json`)).status).toBe(404);
    expect((await get(`${sim.url}/.well-known/agent.json`)).status).toBe(200);
  });

  it("SendMessage answers a completed v1.0 task, and GetTask finds it", async () => {
    const sim = await start();
    const { result } = (await post(`${sim.url}/`, v1Send)).json();
    expect(result.task).toMatchObject({ status: { state: "TASK_STATE_COMPLETED" }, artifacts: [{ parts: [{ text: DEFAULT_REPLY }] }] });
    const got = (await post(`${sim.url}/`, { jsonrpc: "2.0", id: 3, method: "GetTask", params: { id: result.task.id } })).json();
    expect(got.result.task.id).toBe(result.task.id);
  });

  it("message/send answers a v0.3 task with kind discriminators when agent.json is served", async () => {
    const sim = await start({ agentCard: "agent.json" });
    const { result } = (await post(`${sim.url}/`, v03Send)).json();
    expect(result).toMatchObject({ kind: "task", status: { state: "completed" }, artifacts: [{ parts: [{ kind: "text", text: DEFAULT_REPLY }] }] });
  });

  it.each([
    { name: "a body that is not JSON", body: "{", code: -32700 },
    { name: "no jsonrpc version", body: { id: 1, method: "SendMessage" }, code: -32600 },
    { name: "a v0.3 method on a v1.0-only agent", body: v03Send, code: -32601 },
    { name: "a message without parts", body: { ...v1Send, params: { message: { role: "ROLE_USER", parts: [] } } }, code: -32602 },
    { name: "an unknown task", body: { jsonrpc: "2.0", id: 4, method: "GetTask", params: { id: "nope" } }, code: -32001 },
  ])("answers JSON-RPC error $code to $name", async ({ body, code }) => {
    const sim = await start();
    expect((await post(`${sim.url}/`, body)).json().error.code).toBe(code);
  });

  it("SendStreamingMessage streams a working task, artifact updates and a completed status", async () => {
    const sim = await start();
    const frames = sseData((await readStream(`${sim.url}/`, { ...v1Send, method: "SendStreamingMessage" })).text);
    expect(frames[0].result.task.status.state).toBe("TASK_STATE_WORKING");
    expect(frames.slice(1, -1).map((f) => f.result.artifactUpdate.artifact.parts[0].text).join("")).toBe(DEFAULT_REPLY);
    expect(frames.at(-1).result.statusUpdate.status.state).toBe("TASK_STATE_COMPLETED");
  });

  it("stream-error: a JSON-RPC internal error in the middle of the stream", async () => {
    const sim = await start();
    await sim.setMode("stream-error");
    const frames = sseData((await readStream(`${sim.url}/`, { ...v1Send, method: "SendStreamingMessage" })).text);
    expect(frames.length).toBeGreaterThan(1);
    expect(frames.at(-1).error.code).toBe(-32603);
  });

  it("an unknown route is Express's HTML 404", async () => {
    const sim = await start();
    const answer = await get(`${sim.url}/health`);
    expect([answer.status, answer.text.includes("Cannot GET /health")]).toEqual([404, true]);
  });
});
