import { Ollama } from "ollama";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_REPLY, startSimulator, type Simulator, type SimulatorKind } from "../../scripts/simulators/index.ts";

// The official clients are the proof that the simulators speak the real protocols.

const OPENAI_KINDS: { kind: SimulatorKind; model: string }[] = [
  { kind: "ollama", model: "llama3.2" },
  { kind: "openai-compatible", model: "meta-llama/Llama-3.1-8B-Instruct" },
  { kind: "mlx", model: "mlx-community/Llama-3.2-3B-Instruct-4bit" },
  { kind: "lmstudio", model: "qwen/qwen3-8b" },
  { kind: "llamacpp", model: "LFM2-1.2B-Q4_K_M.gguf" },
  { kind: "mistralrs", model: "default" },
  { kind: "candle-vllm", model: "qwen3" },
];

const question = [{ role: "user" as const, content: "Say hello." }];

describe.each(OPENAI_KINDS)("the openai client against the $kind simulator", ({ kind, model }) => {
  let sim: Simulator;
  let client: OpenAI;
  beforeAll(async () => {
    sim = await startSimulator(kind, { tokenDelayMs: 1 });
    client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: "not-needed", maxRetries: 0, timeout: 15_000 });
  });
  afterAll(() => sim.close());

  it("models.list() returns the simulator's models", async () => {
    const page = await client.models.list();
    expect(page.data.length).toBeGreaterThan(0);
    expect(page.data.every((m) => typeof m.id === "string" && m.object === "model")).toBe(true);
  });

  it("chat.completions.create() answers the fixed sentence with usage", async () => {
    const completion = await client.chat.completions.create({ model, messages: question });
    expect(completion.choices[0].message.content).toBe(DEFAULT_REPLY);
    expect(completion.choices[0].finish_reason).toBe("stop");
    expect(completion.usage?.completion_tokens).toBeGreaterThan(5);
    expect(completion.usage?.total_tokens).toBe((completion.usage?.prompt_tokens ?? 0) + (completion.usage?.completion_tokens ?? 0));
  });

  it("chat.completions.create({ stream: true }) streams the sentence in several chunks and reports usage", async () => {
    const stream = await client.chat.completions.create({ model, messages: question, stream: true, stream_options: { include_usage: true } });
    const pieces: string[] = [];
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta?.content) pieces.push(chunk.choices[0].delta.content);
      finish = chunk.choices[0]?.finish_reason ?? finish;
      usage = chunk.usage ?? usage;
    }
    expect(pieces.join("")).toBe(DEFAULT_REPLY);
    expect(pieces.length).toBeGreaterThan(5);
    expect(finish).toBe("stop");
    expect(usage?.completion_tokens).toBe(pieces.length);
  });

  it("a stream-error surfaces as an error while iterating the stream", async () => {
    await sim.setMode("stream-error");
    try {
      const stream = await client.chat.completions.create({ model, messages: question, stream: true });
      const pieces: string[] = [];
      const iterate = async () => {
        for await (const chunk of stream) pieces.push(chunk.choices[0]?.delta?.content ?? "");
      };
      await expect(iterate()).rejects.toThrow();
      expect(pieces.join("")).not.toBe(DEFAULT_REPLY);
    } finally {
      await sim.setMode("up");
    }
  });
});

describe("the ollama client against the ollama simulator", () => {
  let sim: Simulator;
  let client: Ollama;
  beforeAll(async () => {
    sim = await startSimulator("ollama", { tokenDelayMs: 1, loaded: [] });
    client = new Ollama({ host: sim.url });
  });
  afterAll(() => sim.close());

  it("list() returns every model with details", async () => {
    const { models } = await client.list();
    expect(models.map((m) => m.name)).toContain("llama3.2:latest");
    expect(models[0].details.format).toBe("gguf");
  });

  it("ps() lists nothing before a chat and the model after it", async () => {
    expect((await client.ps()).models).toEqual([]);
    const reply = await client.chat({ model: "llama3.2", messages: question });
    expect(reply.message.content).toBe(DEFAULT_REPLY);
    expect(reply.done).toBe(true);
    expect(reply.eval_count).toBeGreaterThan(5);
    expect(reply.load_duration).toBeGreaterThan(0);
    expect((await client.ps()).models.map((m) => m.name)).toEqual(["llama3.2:latest"]);
  });

  it.each([
    { name: "chat() streamed", run: async (c: Ollama) => { let s = ""; for await (const p of await c.chat({ model: "llama3.2", messages: question, stream: true })) s += p.message.content; return s; } },
    { name: "generate() streamed", run: async (c: Ollama) => { let s = ""; for await (const p of await c.generate({ model: "qwen2.5:7b", prompt: "Say hello.", stream: true })) s += p.response; return s; } },
    { name: "generate() not streamed", run: async (c: Ollama) => (await c.generate({ model: "qwen2.5:7b", prompt: "Say hello." })).response },
  ])("$name returns the fixed sentence", async ({ run }) => {
    expect(await run(client)).toBe(DEFAULT_REPLY);
  });

  it("generate() reports nanosecond timings with eval_count tokens", async () => {
    const reply = await client.generate({ model: "llama3.2", prompt: "Say hello." });
    expect(reply.eval_count).toBeGreaterThan(5);
    expect(reply.eval_duration).toBeGreaterThan(1000);
    expect(reply.total_duration).toBeGreaterThanOrEqual(reply.eval_duration);
  });

  it.each([
    { name: "chat()", run: async (c: Ollama) => { for await (const _ of await c.chat({ model: "llama3.2", messages: question, stream: true })) void _; } },
    { name: "generate()", run: async (c: Ollama) => { for await (const _ of await c.generate({ model: "llama3.2", prompt: "x", stream: true })) void _; } },
  ])("a stream-error surfaces as an error from streamed $name", async ({ run }) => {
    await sim.setMode("stream-error");
    try {
      await expect(run(client)).rejects.toThrow(/simulated failure/);
    } finally {
      await sim.setMode("up");
    }
  });

  it("an unknown model is a 404 ResponseError", async () => {
    await expect(client.chat({ model: "nope", messages: question })).rejects.toMatchObject({ status_code: 404 });
  });
});
