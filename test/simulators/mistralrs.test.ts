import { describe, expect, it } from "vitest";
import { get, post, readStream } from "./http.ts";
import { simulators } from "./sim-lifecycle.ts";

const start = simulators("mistralrs");
const chat = { messages: [{ role: "user", content: "hi" }] };
const statusOf = async (url: string) => (await get(`${url}/v1/models`)).json().data[1].status;

describe("the mistralrs simulator", () => {
  it.each(["/health", "/"])("GET %s answers the text OK", async (path) => {
    const sim = await start();
    const answer = await get(`${sim.url}${path}`);
    expect([answer.status, answer.text, answer.contentType]).toEqual([200, "OK", "text/plain; charset=utf-8"]);
  });

  it("an unknown route is axum's empty 404", async () => {
    const sim = await start();
    const answer = await get(`${sim.url}/props`);
    expect([answer.status, answer.text]).toEqual([404, ""]);
  });

  it("GET /v1/models starts with the special default entry, then the model with its status", async () => {
    const sim = await start();
    const { data } = (await get(`${sim.url}/v1/models`)).json();
    expect(data[0]).toMatchObject({ id: "default", owned_by: "local", root: "default" });
    expect(data[1]).toMatchObject({ id: "microsoft/Phi-3.5-mini-instruct", owned_by: "local", status: "loaded" });
  });

  it("model \"default\" targets the default model and usage carries speeds", async () => {
    const sim = await start();
    const answer = (await post(`${sim.url}/v1/chat/completions`, { ...chat, model: "default" })).json();
    expect(answer.model).toBe("default");
    expect(answer.usage).toMatchObject({ avg_compl_tok_per_sec: expect.any(Number), total_time_sec: expect.any(Number) });
  });

  it.each([
    { mode: "unloaded" as const, status: "unloaded" },
    { mode: "loading" as const, status: "reloading" },
  ])("$mode: the model's status is $status until a chat loads it, while /health stays OK", async ({ mode, status }) => {
    const sim = await start({ delayMs: 50 });
    await sim.setMode(mode);
    expect(await statusOf(sim.url)).toBe(status);
    expect((await get(`${sim.url}/health`)).text).toBe("OK");
    await post(`${sim.url}/v1/chat/completions`, chat);
    expect(await statusOf(sim.url)).toBe("loaded");
  });

  it("stream-error: the connection drops after some chunks", async () => {
    const sim = await start();
    await sim.setMode("stream-error");
    const result = await readStream(`${sim.url}/v1/chat/completions`, { ...chat, stream: true });
    expect(result.error).toBeDefined();
    expect(result.text).toContain("data: ");
    expect(result.text).not.toContain("[DONE]");
  });
});
