import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_REPLY, startSimulator, type Simulator, type SimulatorOptions } from "../../scripts/simulators/index.ts";
import { call, get, ndjson, post, readStream, sseData } from "./http.ts";

const opened: Simulator[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
});

async function start(options: SimulatorOptions = {}): Promise<Simulator> {
  const sim = await startSimulator("ollama", { tokenDelayMs: 0, ...options });
  opened.push(sim);
  return sim;
}

const loadedNames = async (sim: Simulator) => (await get(`${sim.url}/api/ps`)).json().models.map((m: { name: string }) => m.name);
const chat = { model: "llama3.2", messages: [{ role: "user", content: "hi" }] };

describe("the ollama simulator", () => {
  it.each([
    { name: "GET / is the plain-text banner", method: "GET", path: "/", status: 200, type: /^text\/plain/, body: "Ollama is running" },
    { name: "HEAD / answers 200 without a body", method: "HEAD", path: "/", status: 200, type: /^text\/plain/, body: "" },
    { name: "GET /api/version gives the version", method: "GET", path: "/api/version", status: 200, type: /^application\/json/, body: '{"version":"0.13.0"}' },
    { name: "an unknown route is gin's 404", method: "GET", path: "/health", status: 404, type: /^text\/plain/, body: "404 page not found" },
  ])("$name", async ({ method, path, status, type, body }) => {
    const sim = await start();
    const answer = await call(`${sim.url}${path}`, { method });
    expect(answer.status).toBe(status);
    expect(answer.contentType).toMatch(type);
    expect(answer.text).toBe(body);
  });

  it("GET /api/tags lists every model with the Ollama details shape", async () => {
    const sim = await start({ models: ["llama3.2:latest", "qwen2.5:7b"] });
    const { models } = (await get(`${sim.url}/api/tags`)).json();
    expect(models.map((m: { name: string }) => m.name)).toEqual(["llama3.2:latest", "qwen2.5:7b"]);
    expect(models[1]).toMatchObject({ model: "qwen2.5:7b", details: { format: "gguf", family: "qwen", parameter_size: "7B", quantization_level: "Q4_K_M" } });
    expect(models[1].size).toBeGreaterThan(1e9);
    expect(models[1].digest).toMatch(/^[0-9a-f]{64}$/);
  });

  it("GET /api/ps lists loaded models with size_vram, expires_at and context_length", async () => {
    const sim = await start({ loaded: ["llama3.2:latest"] });
    const [model] = (await get(`${sim.url}/api/ps`)).json().models;
    expect(model).toMatchObject({ name: "llama3.2:latest", context_length: 4096 });
    expect(model.size_vram).toBe(model.size);
    expect(Date.parse(model.expires_at)).toBeGreaterThan(Date.now());
  });

  it("POST /api/show describes a model and 404s an unknown one", async () => {
    const sim = await start();
    const shown = (await post(`${sim.url}/api/show`, { model: "llava:7b" })).json();
    expect(shown.capabilities).toEqual(["completion", "vision"]);
    expect(shown.model_info["general.architecture"]).toBe("llava");
    const missing = await post(`${sim.url}/api/show`, { model: "nope" });
    expect([missing.status, missing.json()]).toEqual([404, { error: "model 'nope' not found" }]);
  });

  it("/api/tags, /api/ps and /api/show never load a model; a chat does", async () => {
    const sim = await start({ loaded: [] });
    await get(`${sim.url}/api/tags`);
    await get(`${sim.url}/api/ps`);
    await post(`${sim.url}/api/show`, { model: "llama3.2" });
    expect(await loadedNames(sim)).toEqual([]);
    await post(`${sim.url}/api/chat`, { ...chat, stream: false });
    expect(await loadedNames(sim)).toEqual(["llama3.2:latest"]);
    expect(sim.requests.map((r) => r.path)).toEqual(["/api/tags", "/api/ps", "/api/show", "/api/ps", "/api/chat", "/api/ps"]);
  });

  it("POST /api/chat streams NDJSON chunks ending in done:true with nanosecond timings", async () => {
    const sim = await start();
    const { status, text } = await readStream(`${sim.url}/api/chat`, chat);
    const lines = ndjson(text);
    expect(status).toBe(200);
    expect(lines.slice(0, -1).map((l) => l.message.content).join("")).toBe(DEFAULT_REPLY);
    const last = lines.at(-1);
    expect(last).toMatchObject({ done: true, done_reason: "stop", eval_count: lines.length - 1, message: { role: "assistant", content: "" } });
    expect(last.total_duration).toBeGreaterThan(last.eval_duration);
    expect(last).not.toHaveProperty("load_duration"); // already loaded: zero, so left out
  });

  it("POST /api/generate with stream:false answers one JSON object with the context", async () => {
    const sim = await start();
    const answer = await post(`${sim.url}/api/generate`, { model: "llama3.2", prompt: "hi", stream: false });
    expect(answer.contentType).toBe("application/json; charset=utf-8");
    expect(answer.json()).toMatchObject({ response: DEFAULT_REPLY, done: true, done_reason: "stop" });
    expect(answer.json().context.length).toBeGreaterThan(0);
  });

  it("options.num_predict cuts the reply with done_reason length", async () => {
    const sim = await start();
    const answer = (await post(`${sim.url}/api/generate`, { model: "llama3.2", prompt: "hi", stream: false, options: { num_predict: 2 } })).json();
    expect(answer).toMatchObject({ done_reason: "length", eval_count: 2, response: "The simulated" });
  });

  it.each([
    { name: "an empty prompt loads the model", body: { model: "qwen2.5:7b", prompt: "" }, reason: "load", loaded: ["qwen2.5:7b", "llama3.2:latest"] },
    { name: "an empty prompt with keep_alive 0 unloads it", body: { model: "llama3.2", prompt: "", keep_alive: 0 }, reason: "unload", loaded: [] },
  ])("POST /api/generate: $name", async ({ body, reason, loaded }) => {
    const sim = await start({ loaded: ["llama3.2:latest"] });
    expect((await post(`${sim.url}/api/generate`, body)).json()).toMatchObject({ done: true, done_reason: reason });
    expect((await loadedNames(sim)).sort()).toEqual([...loaded].sort());
  });

  it.each([
    { name: "no body", body: "", status: 400, error: "missing request body" },
    { name: "no model", body: { prompt: "x" }, status: 400, error: "model is required" },
    { name: "an unknown model", body: { model: "nope", prompt: "x" }, status: 404, error: 'model "nope" not found, try pulling it first' },
  ])("POST /api/generate with $name answers $status", async ({ body, status, error }) => {
    const sim = await start();
    const answer = await post(`${sim.url}/api/generate`, body);
    expect([answer.status, answer.json()]).toEqual([status, { error }]);
  });

  it("POST /api/embed returns one vector per input", async () => {
    const sim = await start();
    const answer = (await post(`${sim.url}/api/embed`, { model: "nomic-embed-text", input: ["a", "b"] })).json();
    expect(answer.embeddings).toHaveLength(2);
    expect(answer.embeddings[0]).toHaveLength(8);
  });

  it("GET /v1/models lists models owned by library; /v1/models/:id finds one", async () => {
    const sim = await start({ models: ["llama3.2:latest"] });
    expect((await get(`${sim.url}/v1/models`)).json()).toMatchObject({ object: "list", data: [{ id: "llama3.2:latest", object: "model", owned_by: "library" }] });
    expect((await get(`${sim.url}/v1/models/llama3.2:latest`)).json().id).toBe("llama3.2:latest");
    expect((await get(`${sim.url}/v1/models/nope`)).json().error.type).toBe("not_found_error");
  });

  it("POST /v1/chat/completions streams SSE chunks with fp_ollama and ends with [DONE]", async () => {
    const sim = await start();
    const frames = sseData((await readStream(`${sim.url}/v1/chat/completions`, { ...chat, stream: true })).text);
    expect(frames.at(-1)).toBe("[DONE]");
    expect(frames[0]).toMatchObject({ object: "chat.completion.chunk", system_fingerprint: "fp_ollama" });
    expect(frames[0].id).toMatch(/^chatcmpl-\d{1,3}$/);
    expect(frames.at(-2).choices[0]).toMatchObject({ delta: {}, finish_reason: "stop" });
  });

  it("loading: nothing in /api/ps, and the next chat waits delayMs while the model loads", async () => {
    const sim = await start({ loaded: ["llama3.2:latest"], delayMs: 300 });
    await sim.setMode("loading");
    expect(await loadedNames(sim)).toEqual([]);
    const reply = (await post(`${sim.url}/api/chat`, { ...chat, stream: false })).json();
    expect(reply.load_duration).toBeGreaterThanOrEqual(250e6);
    expect(await loadedNames(sim)).toEqual(["llama3.2:latest"]);
  });

  it("unloaded: reachable with nothing loaded; back up restores what was loaded", async () => {
    const sim = await start({ loaded: ["llama3.2:latest"] });
    await sim.setMode("unloaded");
    expect((await get(`${sim.url}/`)).status).toBe(200);
    expect(await loadedNames(sim)).toEqual([]);
    await sim.setMode("up");
    expect(await loadedNames(sim)).toEqual(["llama3.2:latest"]);
  });

  it("stream-error: /api/chat ends with an NDJSON error line after some chunks", async () => {
    const sim = await start();
    await sim.setMode("stream-error");
    const lines = ndjson((await readStream(`${sim.url}/api/chat`, chat)).text);
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.at(-1).error).toMatch(/simulated failure/);
    expect(lines.some((l) => l.done === true)).toBe(false);
  });

  it("stream-error: /v1/chat/completions sends an OpenAI error frame and no [DONE]", async () => {
    const sim = await start();
    await sim.setMode("stream-error");
    const frames = sseData((await readStream(`${sim.url}/v1/chat/completions`, { ...chat, stream: true })).text);
    expect(frames.at(-1).error.message).toMatch(/simulated failure/);
    expect(frames).not.toContain("[DONE]");
  });
});
