import { describe, expect, it } from "vitest";
import { DEFAULT_REPLY } from "../../scripts/simulators/index.ts";
import { get, post, readStream } from "./http.ts";
import { simulators } from "./sim-lifecycle.ts";

const start = simulators("candle-vllm");

describe("the candle-vllm simulator", () => {
  it("has no /health: axum's empty 404", async () => {
    const sim = await start();
    const answer = await get(`${sim.url}/health`);
    expect([answer.status, answer.text]).toEqual([404, ""]);
  });

  it("GET /v1/models lists one pipeline owned by candle-vllm with created in milliseconds", async () => {
    const sim = await start();
    const { data } = (await get(`${sim.url}/v1/models`)).json();
    expect(data).toHaveLength(1);
    expect(data[0]).toMatchObject({ id: "qwen3", owned_by: "candle-vllm", permission: [] });
    expect(data[0].created).toBeGreaterThan(1e12);
  });

  it("answers any model name with its one pipeline", async () => {
    const sim = await start();
    const answer = (await post(`${sim.url}/v1/chat/completions`, { model: "anything", messages: [{ role: "user", content: "hi" }] })).json();
    expect(answer).toMatchObject({ model: "qwen3", choices: [{ message: { content: DEFAULT_REPLY } }] });
  });

  it("stream-error: the connection drops after some chunks", async () => {
    const sim = await start();
    await sim.setMode("stream-error");
    const result = await readStream(`${sim.url}/v1/chat/completions`, { model: "x", stream: true, messages: [{ role: "user", content: "hi" }] });
    expect(result.error).toBeDefined();
  });
});
