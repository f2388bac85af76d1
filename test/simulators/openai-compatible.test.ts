import { describe, expect, it } from "vitest";
import { get, post, readStream } from "./http.ts";
import { simulators } from "./sim-lifecycle.ts";

const start = simulators("openai-compatible");
const model = "meta-llama/Llama-3.1-8B-Instruct";
const chat = { model, messages: [{ role: "user", content: "hi" }] };

describe("the openai-compatible simulator", () => {
  it("GET /health is 200 with an empty body; an unknown route is FastAPI's 404", async () => {
    const sim = await start();
    expect((await get(`${sim.url}/health`)).status).toBe(200);
    const missing = await get(`${sim.url}/api/tags`);
    expect([missing.status, missing.json()]).toEqual([404, { detail: "Not Found" }]);
  });

  it("GET /v1/models and /v1/models/:id describe the model", async () => {
    const sim = await start();
    expect((await get(`${sim.url}/v1/models`)).json().data[0]).toMatchObject({ id: model, object: "model", created: expect.any(Number) });
    expect((await get(`${sim.url}/v1/models/${model}`)).json().id).toBe(model);
    expect((await get(`${sim.url}/v1/models/nope`)).status).toBe(404);
  });

  it.each([
    { name: "no model", body: { messages: chat.messages }, status: 400 },
    { name: "an unknown model", body: { ...chat, model: "nope" }, status: 404 },
    { name: "no messages", body: { model }, status: 400 },
    { name: "a body that is not JSON", body: "{", status: 400 },
  ])("a chat with $name answers $status with an OpenAI error", async ({ body, status }) => {
    const sim = await start();
    const answer = await post(`${sim.url}/v1/chat/completions`, body);
    expect(answer.status).toBe(status);
    expect(answer.json().error.message).toEqual(expect.any(String));
  });

  it("max_tokens cuts the reply with finish_reason length", async () => {
    const sim = await start();
    const answer = (await post(`${sim.url}/v1/chat/completions`, { ...chat, max_tokens: 3 })).json();
    expect(answer.choices[0]).toMatchObject({ finish_reason: "length", message: { content: "The simulated model" } });
    expect(answer.usage.completion_tokens).toBe(3);
  });

  it("loading: 503 with an OpenAI error, and /health 503", async () => {
    const sim = await start();
    await sim.setMode("loading");
    expect((await get(`${sim.url}/health`)).status).toBe(503);
    const answer = await get(`${sim.url}/v1/models`);
    expect([answer.status, answer.json().error.type]).toEqual([503, "unavailable_error"]);
  });

  it("stream-error: the connection drops after some chunks", async () => {
    const sim = await start();
    await sim.setMode("stream-error");
    const result = await readStream(`${sim.url}/v1/chat/completions`, { ...chat, stream: true });
    expect(result.error).toBeDefined();
    expect(result.text).not.toContain("[DONE]");
  });
});
