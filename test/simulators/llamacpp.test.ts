import { describe, expect, it } from "vitest";
import { DEFAULT_REPLY } from "../../scripts/simulators/index.ts";
import { get, post, readStream, sseData } from "./http.ts";
import { simulators } from "./sim-lifecycle.ts";

const start = simulators("llamacpp");
const chat = { model: "whatever", messages: [{ role: "user", content: "hi" }] };

describe("the llamacpp simulator", () => {
  it.each([
    { path: "/health", status: 200, body: { status: "ok" } },
    { path: "/v1/health", status: 200, body: { status: "ok" } },
    { path: "/metrics", status: 501, body: { error: { code: 501, message: "This server does not support metrics endpoint.", type: "not_supported_error" } } },
    { path: "/nope", status: 404, body: { error: { code: 404, message: "File Not Found", type: "not_found_error" } } },
  ])("GET $path answers $status", async ({ path, status, body }) => {
    const sim = await start();
    const answer = await get(`${sim.url}${path}`);
    expect([answer.status, answer.json()]).toEqual([status, body]);
  });

  it.each(["/v1/models", "/models", "/api/tags"])("GET %s carries both an Ollama models array and an OpenAI data array", async (path) => {
    const sim = await start();
    const body = (await get(`${sim.url}${path}`)).json();
    expect(body.models[0]).toMatchObject({ name: "LFM2-1.2B-Q4_K_M.gguf", size: "" });
    expect(body.data).toHaveLength(1);
    expect(body.data[0]).toMatchObject({ id: "LFM2-1.2B-Q4_K_M.gguf", owned_by: "llamacpp" });
    expect(body.data[0].meta.n_params).toBeGreaterThan(0);
  });

  it("GET /props has build_info, default_generation_settings and total_slots", async () => {
    const sim = await start();
    expect((await get(`${sim.url}/props`)).json()).toMatchObject({ build_info: expect.stringMatching(/^b\d+-/), total_slots: 4, is_sleeping: false, default_generation_settings: { n_ctx: 4096 } });
  });

  it("GET /slots shows a slot processing while a completion runs", async () => {
    const sim = await start({ tokenDelayMs: 100 });
    const running = post(`${sim.url}/completion`, { prompt: "hi", n_predict: 5 });
    await expect.poll(async () => (await get(`${sim.url}/slots`)).json().filter((s: { is_processing: boolean }) => s.is_processing).length).toBe(1);
    await running;
    expect((await get(`${sim.url}/slots`)).json().some((s: { is_processing: boolean }) => s.is_processing)).toBe(false);
  });

  it("POST /api/show answers Ollama-style and POST /api/chat answers in OpenAI format", async () => {
    const sim = await start();
    expect((await post(`${sim.url}/api/show`, { model: "x" })).json().capabilities).toEqual(["completion"]);
    expect((await post(`${sim.url}/api/chat`, chat)).json()).toMatchObject({ object: "chat.completion", choices: [{ message: { content: DEFAULT_REPLY } }] });
  });

  it("a completion carries timings in ms and a chatcmpl id of 32 characters", async () => {
    const sim = await start();
    const answer = (await post(`${sim.url}/v1/chat/completions`, chat)).json();
    expect(answer.id).toMatch(/^chatcmpl-[A-Za-z0-9]{32}$/);
    expect(answer.timings.predicted_n).toBe(answer.usage.completion_tokens);
    expect(answer.model).toBe("whatever");
  });

  it("streams a role-only first chunk, content, timings on the finish chunk, then [DONE]", async () => {
    const sim = await start();
    const frames = sseData((await readStream(`${sim.url}/v1/chat/completions`, { ...chat, stream: true })).text);
    expect(frames[0].choices[0].delta).toEqual({ role: "assistant", content: null });
    expect(frames.at(-2).timings.predicted_n).toBeGreaterThan(0);
    expect(frames.at(-1)).toBe("[DONE]");
  });

  it("POST /completion streams content frames ending in stop:true with timings and no [DONE]", async () => {
    const sim = await start();
    const frames = sseData((await readStream(`${sim.url}/completion`, { prompt: "hi", stream: true })).text);
    expect(frames.slice(0, -1).map((f) => f.content).join("")).toBe(DEFAULT_REPLY);
    expect(frames.at(-1)).toMatchObject({ stop: true, stop_type: "eos" });
    expect(frames.at(-1).timings.predicted_per_second).toBeGreaterThan(0);
    expect(frames).not.toContain("[DONE]");
  });

  it("loading: 503 unavailable_error everywhere but the model lists (meta null) and a 503 HTML root", async () => {
    const sim = await start();
    await sim.setMode("loading");
    expect((await get(`${sim.url}/health`)).json()).toEqual({ error: { code: 503, message: "Loading model", type: "unavailable_error" } });
    expect((await post(`${sim.url}/v1/chat/completions`, chat)).status).toBe(503);
    const root = await get(`${sim.url}/`);
    expect([root.status, root.contentType]).toEqual([503, "text/html; charset=utf-8"]);
    const models = await get(`${sim.url}/v1/models`);
    expect([models.status, models.json().data[0].meta]).toEqual([200, null]);
  });

  it("unloaded: /props says it is sleeping until a completion wakes it", async () => {
    const sim = await start();
    await sim.setMode("unloaded");
    expect((await get(`${sim.url}/props`)).json().is_sleeping).toBe(true);
    await post(`${sim.url}/v1/chat/completions`, chat);
    expect((await get(`${sim.url}/props`)).json().is_sleeping).toBe(false);
  });

  it("stream-error: an `error:` line after some chunks, then the connection drops", async () => {
    const sim = await start();
    await sim.setMode("stream-error");
    const result = await readStream(`${sim.url}/v1/chat/completions`, { ...chat, stream: true });
    expect(result.text).toMatch(/\nerror: \{"code":500,"message":"simulated failure/);
    expect(result.error).toBeDefined();
    expect(result.text).not.toContain("[DONE]");
  });
});
