import { describe, expect, it } from "vitest";
import { DEFAULT_REPLY } from "../../scripts/simulators/index.ts";
import { call, get, post, readStream, sseData } from "./http.ts";
import { simulators } from "./sim-lifecycle.ts";

const start = simulators("mlx");
const chat = { messages: [{ role: "user", content: "hi" }] };

describe("the mlx simulator", () => {
  it.each([
    { name: "GET /health is exactly {\"status\": \"ok\"}", method: "GET", path: "/health", status: 200, body: '{"status": "ok"}' },
    { name: "an unknown path is 404 Not Found, typed as JSON", method: "GET", path: "/props", status: 404, body: "Not Found" },
    { name: "OPTIONS on any path is 204", method: "OPTIONS", path: "/anything", status: 204, body: "" },
  ])("$name", async ({ method, path, status, body }) => {
    const sim = await start();
    const answer = await call(`${sim.url}${path}`, { method });
    expect([answer.status, answer.text]).toEqual([status, body]);
    if (status !== 204) expect(answer.contentType).toBe("application/json");
  });

  it("GET /v1/models lists the default model without owned_by", async () => {
    const sim = await start();
    const { data } = (await get(`${sim.url}/v1/models`)).json();
    expect(data).toEqual([{ id: "mlx-community/Llama-3.2-3B-Instruct-4bit", object: "model", created: expect.any(Number) }]);
    expect((await get(`${sim.url}/v1/models/mlx-community/Llama-3.2-3B-Instruct-4bit`)).json().id).toBe("mlx-community/Llama-3.2-3B-Instruct-4bit");
  });

  it("echoes default_model when the request names none, with the mlx fingerprint", async () => {
    const sim = await start();
    const answer = (await post(`${sim.url}/v1/chat/completions`, chat)).json();
    expect(answer).toMatchObject({ model: "default_model", object: "chat.completion", choices: [{ message: { content: DEFAULT_REPLY } }] });
    expect(answer.system_fingerprint).toMatch(/^0\.32\.0-[\d.]+-macOS/);
  });

  it("holds one model at a time: naming another cached model swaps it in", async () => {
    const sim = await start({ models: ["mlx-community/A", "mlx-community/B"] });
    await post(`${sim.url}/chat/completions`, { ...chat, model: "mlx-community/B" });
    expect(sim.requests.at(-1)?.path).toBe("/chat/completions");
    const state = (await get(`${sim.url}/__sim/state`)).json();
    expect(state.models.loaded).toEqual(["mlx-community/B"]);
  });

  it("answers 404 with the download error for a repo that is not cached", async () => {
    const sim = await start();
    const answer = await post(`${sim.url}/v1/chat/completions`, { ...chat, model: "someone/missing" });
    expect(answer.status).toBe(404);
    expect(answer.json().error).toMatch(/Repository Not Found/);
  });

  it("answers 411 to a chunked POST without Content-Length", async () => {
    const sim = await start();
    const body = new ReadableStream({ start: (c) => { c.enqueue(new TextEncoder().encode(JSON.stringify(chat))); c.close(); } });
    const answer = await call(`${sim.url}/v1/chat/completions`, { method: "POST", body, duplex: "half" } as RequestInit);
    expect([answer.status, answer.json()]).toEqual([411, { error: "Content-Length header is required" }]);
  });

  it("streams a keepalive comment, chunks carrying the role, a chat.completion usage frame and [DONE]", async () => {
    const sim = await start();
    const { text } = await readStream(`${sim.url}/v1/chat/completions`, { ...chat, stream: true, stream_options: { include_usage: true } });
    expect(text.startsWith(": keepalive")).toBe(true);
    const frames = sseData(text);
    expect(frames[0].choices[0].delta.role).toBe("assistant");
    expect(frames.at(-2)).toMatchObject({ object: "chat.completion", choices: [] });
    expect(frames.at(-1)).toBe("[DONE]");
  });

  it.each(["loading", "unloaded"] as const)("%s: /health stays ok and the next chat loads the model first", async (mode) => {
    const sim = await start({ delayMs: 200, loadMs: 200 });
    await sim.setMode(mode);
    expect((await get(`${sim.url}/health`)).status).toBe(200);
    const started = Date.now();
    expect((await post(`${sim.url}/v1/chat/completions`, chat)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
  });

  it("stream-error: the connection drops after some chunks, with no [DONE]", async () => {
    const sim = await start();
    await sim.setMode("stream-error");
    const result = await readStream(`${sim.url}/v1/chat/completions`, { ...chat, stream: true });
    expect(result.error).toBeDefined();
    expect(sseData(result.text).length).toBeGreaterThan(0);
    expect(result.text).not.toContain("[DONE]");
  });
});
