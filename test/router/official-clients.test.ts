import { Ollama } from "ollama";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_REPLY, startSimulator, type Simulator, type SimulatorKind } from "../../scripts/simulators/index.ts";
import { startRouterHarness, type RouterHarness } from "./router-harness.ts";

// Every backend family behind the router, asked by both official clients, streamed and not: same-dialect
// answers pass through, the others are translated (OpenAI client → Ollama, Ollama client → OpenAI servers).
const BACKENDS: { name: string; sim: SimulatorKind; kind: string; model: string }[] = [
  { name: "ollama", sim: "ollama", kind: "ollama", model: "llama3.2:latest" },
  { name: "mlx", sim: "mlx", kind: "mlx", model: "mlx-community/Llama-3.2-3B-Instruct-4bit" },
  { name: "lmstudio", sim: "lmstudio", kind: "lmstudio", model: "qwen/qwen3-8b" },
  { name: "lfm2", sim: "llamacpp", kind: "llamacpp", model: "LFM2-1.2B-Q4_K_M.gguf" },
  { name: "candle", sim: "mistralrs", kind: "candle", model: "microsoft/Phi-3.5-mini-instruct" },
  { name: "candlevllm", sim: "candle-vllm", kind: "candle", model: "qwen3" },
];

let sims: Simulator[] = [];
let h: RouterHarness;

beforeAll(async () => {
  sims = await Promise.all(BACKENDS.map((b) => startSimulator(b.sim, { tokenDelayMs: 1, loadMs: 1 })));
  const services = BACKENDS.map((b, i) => `  - { name: ${b.name}, kind: ${b.kind}, url: "${sims[i]!.url}" }`).join("\n");
  h = await startRouterHarness(`services:\n${services}\n`);
});

afterAll(async () => {
  await h?.close();
  await Promise.all(sims.map((s) => s.close()));
});

describe("auto before any model list was read", () => {
  it("the first auto request asks the backends for their models and is served", async () => {
    const client = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: "unused" });
    const { data, response } = await client.chat.completions.create({ model: "auto", messages: [{ role: "user", content: "hi" }] }).withResponse();
    expect(data.choices[0]!.message.content).toBe(DEFAULT_REPLY);
    expect(BACKENDS.map((b) => b.name)).toContain(response.headers.get("x-ai-tracker-backend"));
    expect(response.headers.get("x-ai-tracker-tier")).toBe("fast");
  });
});

describe.each(BACKENDS)("the router over $name ($sim)", ({ name, model }) => {
  it("the openai client gets a whole answer and the backend headers", async () => {
    const client = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: "unused" });
    const { data, response } = await client.chat.completions.create({ model, messages: [{ role: "user", content: "Say hello" }] }).withResponse();
    expect(data.choices[0]!.message.content).toBe(DEFAULT_REPLY);
    expect(data.object).toBe("chat.completion");
    expect(response.headers.get("x-ai-tracker-backend")).toBe(name);
    expect(response.headers.get("x-ai-tracker-attempts")).toBe("1");
    expect(response.headers.get("x-ai-tracker-tier")).toBe("named");
  });

  it("the openai client gets a streamed answer ending with a finish reason", async () => {
    const client = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: "unused" });
    const stream = await client.chat.completions.create({ model, stream: true, messages: [{ role: "user", content: "Say hello" }] });
    let text = "";
    let finish: string | null = null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(text).toBe(DEFAULT_REPLY);
    expect(finish).toBe("stop");
  });

  it("the ollama client gets a whole chat answer", async () => {
    const client = new Ollama({ host: h.url });
    const res = await client.chat({ model, messages: [{ role: "user", content: "Say hello" }] });
    expect(res.message.content).toBe(DEFAULT_REPLY);
    expect(res.done).toBe(true);
  });

  it("the ollama client gets a streamed chat answer", async () => {
    const client = new Ollama({ host: h.url });
    const stream = await client.chat({ model, stream: true, messages: [{ role: "user", content: "Say hello" }] });
    let text = "";
    let last: { done: boolean; done_reason?: string } | undefined;
    for await (const part of stream) {
      text += part.message.content;
      last = part;
    }
    expect(text).toBe(DEFAULT_REPLY);
    expect(last).toMatchObject({ done: true, done_reason: "stop" });
  });

  it("the ollama client gets generate answers, whole and streamed", async () => {
    const client = new Ollama({ host: h.url });
    const whole = await client.generate({ model, prompt: "Say hello", system: "Be brief." });
    expect(whole.response).toBe(DEFAULT_REPLY);
    let text = "";
    for await (const part of await client.generate({ model, prompt: "Say hello", stream: true })) text += part.response;
    expect(text).toBe(DEFAULT_REPLY);
  });
});

describe("model lists", () => {
  it("GET /v1/models lists auto and every backend's models for the openai client", async () => {
    const client = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: "unused" });
    const ids: string[] = [];
    for await (const m of client.models.list()) ids.push(m.id);
    expect(ids[0]).toBe("auto");
    for (const b of BACKENDS) expect(ids).toContain(b.model);
  });

  it("GET /api/tags lists the same models for the ollama client", async () => {
    const client = new Ollama({ host: h.url });
    const names = (await client.list()).models.map((m) => m.name);
    expect(names).toContain("auto");
    for (const b of BACKENDS) expect(names).toContain(b.model);
  });

  it("GET /v1/models/{id} answers a known model and 404s an unknown one", async () => {
    const client = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: "unused" });
    expect((await client.models.retrieve("qwen3")).owned_by).toBe("candlevllm");
    await expect(client.models.retrieve("no-such-model")).rejects.toMatchObject({ status: 404 });
  });
});

describe("run records", () => {
  it("every request above left a run row with its backend, api and timings", () => {
    const runs = h.runs().filter((r) => r.type === "chat");
    // Per backend: 2 openai + 2 ollama chat + 2 generate; plus the first auto request.
    expect(runs).toHaveLength(BACKENDS.length * 6 + 1);
    for (const b of BACKENDS) expect(runs.filter((r) => r.backend === b.name && r.outcome === "ok" && r.tier === "named")).toHaveLength(6);
    expect(new Set(runs.map((r) => r.api))).toEqual(new Set(["openai", "ollama"]));
    for (const r of runs) {
      expect(r.attempts).toBe(1);
      expect(r.total_ms).toBeGreaterThan(0);
      expect(r.overhead_ms).toBeGreaterThanOrEqual(0);
      expect(r.overhead_ms! + r.upstream_ms!).toBeCloseTo(r.total_ms!, 1);
    }
  });
});
