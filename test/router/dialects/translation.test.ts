import { describe, expect, it } from "vitest";
import type { StreamEvent } from "../../../src/router/chat-types.ts";
import {
  canonicalToOllamaChat,
  decodeOllamaLine,
  decodeOllamaResult,
  encodeOllamaResult,
  ollamaChatToCanonical,
  ollamaGenerateToCanonical,
  OllamaStreamEncoder,
} from "../../../src/router/dialects/ollama.ts";
import {
  canonicalToOpenAi,
  decodeOpenAiResult,
  encodeOpenAiResult,
  openAiToCanonical,
  OpenAiStreamDecoder,
  OpenAiStreamEncoder,
} from "../../../src/router/dialects/openai.ts";
import { OllamaChatRequestSchema, OllamaGenerateRequestSchema, OpenAiChatRequestSchema } from "../../../src/router/request-schemas.ts";

const PNG = "iVBORw0KGgoAAAANSUhEUg";

describe("OpenAI request → Ollama request", () => {
  it.each([
    {
      name: "maps sampling options into options and max_tokens to num_predict",
      openai: { model: "m", messages: [{ role: "user", content: "hi" }], temperature: 0.2, top_p: 0.9, max_tokens: 12, stop: "END", seed: 7 },
      ollama: { model: "llama3.2:latest", messages: [{ role: "user", content: "hi" }], stream: false, options: { temperature: 0.2, top_p: 0.9, num_predict: 12, stop: ["END"], seed: 7 } },
    },
    {
      name: "turns image_url data parts into raw base64 images",
      openai: { model: "m", stream: true, messages: [{ role: "user", content: [{ type: "text", text: "what is this?" }, { type: "image_url", image_url: { url: `data:image/png;base64,${PNG}` } }] }] },
      ollama: { model: "llama3.2:latest", messages: [{ role: "user", content: "what is this?", images: [PNG] }], stream: true },
    },
    {
      name: "maps developer to system and json_object to format json",
      openai: { model: "m", messages: [{ role: "developer", content: "be terse" }, { role: "user", content: "x" }], response_format: { type: "json_object" } },
      ollama: { model: "llama3.2:latest", messages: [{ role: "system", content: "be terse" }, { role: "user", content: "x" }], stream: false, format: "json" },
    },
    {
      name: "turns tool call arguments from JSON text into objects",
      openai: {
        model: "m",
        messages: [
          { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "weather", arguments: '{"city":"Oslo"}' } }] },
          { role: "tool", tool_call_id: "c1", content: "rain" },
        ],
      },
      ollama: {
        model: "llama3.2:latest",
        messages: [{ role: "assistant", content: "", tool_calls: [{ function: { name: "weather", arguments: { city: "Oslo" } } }] }, { role: "tool", content: "rain" }],
        stream: false,
      },
    },
  ])("$name", ({ openai, ollama }) => {
    const canonical = openAiToCanonical(OpenAiChatRequestSchema.parse(openai));
    expect(canonicalToOllamaChat(canonical, "llama3.2:latest")).toEqual(ollama);
  });
});

describe("Ollama request → OpenAI request", () => {
  it.each([
    {
      name: "maps options back and streams by default",
      ollama: { model: "llama3.2", messages: [{ role: "user", content: "hi" }], options: { temperature: 0.5, num_predict: 20, stop: ["\n"] } },
      dialect: "chat",
      openai: { model: "served", messages: [{ role: "user", content: "hi" }], stream: true, temperature: 0.5, max_tokens: 20, stop: ["\n"] },
    },
    {
      name: "turns images into data URL parts",
      ollama: { model: "llava", stream: false, messages: [{ role: "user", content: "what?", images: [PNG] }] },
      dialect: "chat",
      openai: { model: "served", stream: false, messages: [{ role: "user", content: [{ type: "text", text: "what?" }, { type: "image_url", image_url: { url: `data:image/png;base64,${PNG}` } }] }] },
    },
    {
      name: "turns a generate request into a system and a user message",
      ollama: { model: "llama3.2", prompt: "Why is the sky blue?", system: "Answer in one line.", stream: false, format: "json" },
      dialect: "generate",
      openai: {
        model: "served",
        stream: false,
        messages: [{ role: "system", content: "Answer in one line." }, { role: "user", content: "Why is the sky blue?" }],
        response_format: { type: "json_object" },
      },
    },
  ])("$name", ({ ollama, dialect, openai }) => {
    const canonical = dialect === "chat" ? ollamaChatToCanonical(OllamaChatRequestSchema.parse(ollama)) : ollamaGenerateToCanonical(OllamaGenerateRequestSchema.parse(ollama));
    expect(canonicalToOpenAi(canonical, "served")).toEqual(openai);
  });
});

describe("whole answers", () => {
  const ollamaAnswer = {
    model: "llama3.2:latest",
    created_at: "2025-01-01T00:00:00Z",
    message: { role: "assistant", content: "Hello there." },
    done: true,
    done_reason: "length",
    prompt_eval_count: 9,
    eval_count: 3,
  };
  const openAiAnswer = {
    id: "x",
    object: "chat.completion",
    created: 1,
    model: "mlx-model",
    choices: [{ index: 0, message: { role: "assistant", content: "Hi!" }, finish_reason: "stop" }],
    usage: { prompt_tokens: 4, completion_tokens: 2, total_tokens: 6 },
  };

  it("encodeOpenAiResult() writes an Ollama answer as a chat.completion with usage", () => {
    const out = JSON.parse(encodeOpenAiResult(decodeOllamaResult(ollamaAnswer), { id: "chatcmpl-1", created: 5, model: "llama3.2:latest" }));
    expect(out).toEqual({
      id: "chatcmpl-1",
      object: "chat.completion",
      created: 5,
      model: "llama3.2:latest",
      choices: [{ index: 0, message: { role: "assistant", content: "Hello there." }, finish_reason: "length" }],
      usage: { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 },
    });
  });

  it.each([
    { name: "chat", generate: false, expected: { message: { role: "assistant", content: "Hi!" } } },
    { name: "generate", generate: true, expected: { response: "Hi!" } },
  ])("encodeOllamaResult() writes an OpenAI answer for /api/$name", ({ generate, expected }) => {
    const out = JSON.parse(encodeOllamaResult(decodeOpenAiResult(openAiAnswer), { model: "mlx-model", createdAt: "t", totalNs: 1500 }, generate));
    expect(out).toEqual({ model: "mlx-model", created_at: "t", ...expected, done: true, done_reason: "stop", total_duration: 1500, prompt_eval_count: 4, eval_count: 2 });
  });

  it.each([
    { name: "an OpenAI body without choices", fn: () => decodeOpenAiResult({ object: "list" }) },
    { name: "an Ollama body without message or response", fn: () => decodeOllamaResult({ done: true }) },
  ])("decoding throws on $name", ({ fn }) => {
    expect(fn).toThrow();
  });
});

describe("streams", () => {
  it("OpenAiStreamEncoder writes Ollama lines as role, content, finish, usage and [DONE] frames", () => {
    const enc = new OpenAiStreamEncoder({ id: "c", created: 1, model: "m" }, true);
    let out = "";
    for (const line of [
      '{"model":"m","message":{"role":"assistant","content":"Hel"},"done":false}',
      '{"model":"m","message":{"role":"assistant","content":"lo"},"done":false}',
      '{"model":"m","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","prompt_eval_count":3,"eval_count":2}',
    ]) {
      const events = decodeOllamaLine(line) as StreamEvent[];
      for (const ev of events) {
        if (ev.type === "delta") out += enc.delta(ev);
        else if (ev.type === "done") enc.done(ev);
      }
    }
    out += enc.end();
    const frames = out.trim().split("\n\n").map((f) => f.slice(6));
    expect(frames.at(-1)).toBe("[DONE]");
    const chunks = frames.slice(0, -1).map((f) => JSON.parse(f));
    expect(chunks.map((c) => c.choices[0]?.delta?.content ?? null)).toEqual(["Hel", "lo", null, null]);
    expect(chunks[0].choices[0].delta.role).toBe("assistant");
    expect(chunks[2].choices[0].finish_reason).toBe("stop");
    expect(chunks[3].usage).toEqual({ prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 });
  });

  it("OpenAiStreamDecoder joins tool call fragments and hands them on whole at the finish", () => {
    const dec = new OpenAiStreamDecoder();
    const frames = [
      { choices: [{ index: 0, delta: { role: "assistant", tool_calls: [{ index: 0, id: "c1", function: { name: "weather", arguments: '{"ci' } }] } }] },
      { choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: 'ty":"Oslo"}' } }] } }] },
      { choices: [{ index: 0, delta: {}, finish_reason: "tool_calls" }] },
    ];
    const events = frames.flatMap((f) => dec.frame(JSON.stringify(f)) as StreamEvent[]);
    expect(events).toEqual([
      { type: "delta", content: "", toolCalls: [{ id: "c1", name: "weather", arguments: '{"city":"Oslo"}' }] },
      { type: "done", finishReason: "tool_calls", usage: {} },
    ]);
    expect(dec.frame("[DONE]")).toBe("end");
  });

  it.each([
    { name: "an OpenAI error frame", fn: () => new OpenAiStreamDecoder().frame('{"error":{"message":"boom"}}') },
    { name: "an Ollama error line", fn: () => decodeOllamaLine('{"error":"boom"}') },
  ])("decoders turn $name into an error event", ({ fn }) => {
    expect(fn()).toEqual([{ type: "error", message: "boom" }]);
  });

  it("OllamaStreamEncoder writes generate lines with response and a final done line", () => {
    let t = 0;
    const enc = new OllamaStreamEncoder({ model: "m", createdAt: "", totalNs: 0 }, true, 0, () => (t += 2));
    const first = JSON.parse(enc.delta({ type: "delta", content: "Hi" }));
    enc.done({ type: "done", finishReason: "length", usage: { completionTokens: 1 } });
    const last = JSON.parse(enc.end());
    expect(first).toMatchObject({ model: "m", response: "Hi", done: false });
    expect(last).toMatchObject({ model: "m", response: "", done: true, done_reason: "length", eval_count: 1 });
    expect(last.total_duration).toBeGreaterThan(0);
  });
});
