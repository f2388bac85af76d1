import { describe, expect, it } from "vitest";
import { DEFAULT_REPLY } from "../../scripts/simulators/index.ts";
import { call, get, post, readStream, sseData } from "./http.ts";
import { simulators } from "./sim-lifecycle.ts";

const start = simulators("lmstudio");
const chat = { model: "qwen/qwen3-8b", messages: [{ role: "user", content: "hi" }] };
const states = async (url: string) => Object.fromEntries((await get(`${url}/api/v0/models`)).json().data.map((m: { id: string; state: string }) => [m.id, m.state]));

describe("the lmstudio simulator", () => {
  it("GET /lmstudio-greeting answers {\"lmstudio\":true}", async () => {
    const sim = await start();
    expect((await get(`${sim.url}/lmstudio-greeting`)).json()).toEqual({ lmstudio: true });
  });

  it.each([
    { method: "GET", path: "/health" },
    { method: "DELETE", path: "/v1/models" },
    { method: "OPTIONS", path: "/v1/chat/completions" },
  ])("$method $path answers 200 with an Unexpected endpoint error", async ({ method, path }) => {
    const sim = await start();
    const answer = await call(`${sim.url}${path}`, { method });
    expect([answer.status, answer.json()]).toEqual([200, { error: `Unexpected endpoint or method. (${method} ${path})` }]);
  });

  it("GET /v1/models lists every downloaded model without `created`", async () => {
    const sim = await start();
    const { data } = (await get(`${sim.url}/v1/models`)).json();
    expect(data.map((m: { id: string }) => m.id)).toEqual(["qwen/qwen3-8b", "google/gemma-3-12b", "text-embedding-nomic-embed-text-v1.5"]);
    expect(data[0]).toEqual({ id: "qwen/qwen3-8b", object: "model", owned_by: "organization_owner" });
  });

  it("GET /api/v0/models and /api/v1/models say which models are loaded", async () => {
    const sim = await start();
    expect(await states(sim.url)).toEqual({ "qwen/qwen3-8b": "loaded", "google/gemma-3-12b": "not-loaded", "text-embedding-nomic-embed-text-v1.5": "not-loaded" });
    const v0 = (await get(`${sim.url}/api/v0/models/google/gemma-3-12b`)).json();
    expect(v0).toMatchObject({ type: "vlm", state: "not-loaded" });
    const v1 = (await get(`${sim.url}/api/v1/models`)).json().models;
    expect(v1.map((m: { loaded_instances: unknown[] }) => m.loaded_instances.length)).toEqual([1, 0, 0]);
  });

  it("a chat on a model that is not loaded loads it (JIT)", async () => {
    const sim = await start();
    const answer = (await post(`${sim.url}/v1/chat/completions`, { ...chat, model: "google/gemma-3-12b" })).json();
    expect(answer).toMatchObject({ model: "google/gemma-3-12b", system_fingerprint: "google/gemma-3-12b" });
    expect((await states(sim.url))["google/gemma-3-12b"]).toBe("loaded");
  });

  it("an unknown model is a 400 model_not_found naming downloaded models", async () => {
    const sim = await start();
    const answer = await post(`${sim.url}/v1/chat/completions`, { ...chat, model: "o4-mini" });
    expect(answer.status).toBe(400);
    expect(answer.json().error).toMatchObject({ code: "model_not_found", param: "model", message: expect.stringContaining('Invalid model identifier "o4-mini"') });
  });

  it("POST /api/v0/chat/completions adds stats, model_info and runtime", async () => {
    const sim = await start();
    const answer = (await post(`${sim.url}/api/v0/chat/completions`, chat)).json();
    expect(answer.choices[0].message.content).toBe(DEFAULT_REPLY);
    expect(answer.stats).toMatchObject({ stop_reason: "eosFound", tokens_per_second: expect.any(Number), time_to_first_token: expect.any(Number) });
    expect(answer.runtime.supported_formats).toEqual(["gguf"]);
  });

  it("POST /api/v1/models/load and /unload change the loaded state", async () => {
    const sim = await start();
    expect((await post(`${sim.url}/api/v1/models/load`, { model: "google/gemma-3-12b" })).json()).toMatchObject({ instance_id: "google/gemma-3-12b", status: "loaded" });
    expect((await post(`${sim.url}/api/v1/models/unload`, { instance_id: "qwen/qwen3-8b" })).json()).toEqual({ instance_id: "qwen/qwen3-8b" });
    expect(await states(sim.url)).toMatchObject({ "google/gemma-3-12b": "loaded", "qwen/qwen3-8b": "not-loaded" });
  });

  it("usage appears in a stream only with include_usage", async () => {
    const sim = await start();
    const without = sseData((await readStream(`${sim.url}/v1/chat/completions`, { ...chat, stream: true })).text);
    const withUsage = sseData((await readStream(`${sim.url}/v1/chat/completions`, { ...chat, stream: true, stream_options: { include_usage: true } })).text);
    expect(without.some((f) => f !== "[DONE]" && f.usage)).toBe(false);
    expect(withUsage.at(-2).usage.completion_tokens).toBeGreaterThan(0);
  });

  it.each(["loading", "unloaded"] as const)("%s: every model reads not-loaded; a chat with no model says No models loaded", async (mode) => {
    const sim = await start();
    await sim.setMode(mode);
    expect(Object.values(await states(sim.url))).toEqual(["not-loaded", "not-loaded", "not-loaded"]);
    const answer = await post(`${sim.url}/v1/chat/completions`, { messages: chat.messages });
    expect(answer.json().error.message).toMatch(/^No models loaded/);
  });

  it("loading: the JIT load takes delayMs", async () => {
    const sim = await start({ delayMs: 250 });
    await sim.setMode("loading");
    const started = Date.now();
    await post(`${sim.url}/v1/chat/completions`, chat);
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
  });

  it("stream-error: an OpenAI error frame after some chunks, no [DONE]", async () => {
    const sim = await start();
    await sim.setMode("stream-error");
    const frames = sseData((await readStream(`${sim.url}/v1/chat/completions`, { ...chat, stream: true })).text);
    expect(frames.length).toBeGreaterThan(1);
    expect(frames.at(-1).error.message).toMatch(/simulated failure/);
    expect(frames).not.toContain("[DONE]");
  });
});
