import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { DEFAULT_REPLY, makePng } from "../../scripts/simulators/index.ts";
import { post } from "./http.ts";
import { simulators } from "./sim-lifecycle.ts";

const start = simulators("vision-openai");
const dataUrl = (png: Buffer) => `data:image/png;base64,${png.toString("base64")}`;
const ask = (url: string) => ({ model: "pyvision", messages: [{ role: "user", content: [{ type: "text", text: "What is this?" }, { type: "image_url", image_url: { url } }] }] });

describe("the vision-openai simulator", () => {
  it.each([
    { colour: "red", rgb: [220, 20, 20] as [number, number, number] },
    { colour: "blue", rgb: [20, 50, 230] as [number, number, number] },
  ])("describes a $colour PNG data URL with its size through the official client", async ({ colour, rgb }) => {
    const sim = await start();
    const client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: "x", maxRetries: 0 });
    const answer = await client.chat.completions.create(ask(dataUrl(makePng(16, 8, rgb))) as OpenAI.ChatCompletionCreateParamsNonStreaming);
    expect(answer.choices[0].message.content).toBe(`The image is a 16x8 PNG, mostly ${colour}.`);
    expect(answer.usage?.prompt_tokens).toBeGreaterThan(256);
  });

  it("answers the fixed sentence when there is no image", async () => {
    const sim = await start();
    const answer = (await post(`${sim.url}/v1/chat/completions`, { model: "pyvision", messages: [{ role: "user", content: "hi" }] })).json();
    expect(answer.choices[0].message.content).toBe(DEFAULT_REPLY);
  });

  it.each([
    { name: "an http URL", url: "https://example.com/cat.png", message: /image URLs are not currently supported/ },
    { name: "a non-image data URL", url: "data:text/plain;base64,aGk=", message: /invalid image input/ },
  ])("refuses $name with 400", async ({ url, message }) => {
    const sim = await start();
    const answer = await post(`${sim.url}/v1/chat/completions`, ask(url));
    expect(answer.status).toBe(400);
    expect(answer.json().error.message).toMatch(message);
  });

  it("loading: every route answers 503", async () => {
    const sim = await start();
    await sim.setMode("loading");
    expect((await post(`${sim.url}/v1/chat/completions`, ask(dataUrl(makePng(2, 2, [0, 0, 0]))))).status).toBe(503);
  });

  it("stream-error: an error frame ends the stream", async () => {
    const sim = await start();
    await sim.setMode("stream-error");
    const client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: "x", maxRetries: 0 });
    const stream = await client.chat.completions.create({ model: "pyvision", stream: true, messages: [{ role: "user", content: "hi" }] });
    await expect((async () => { for await (const _ of stream) void _; })()).rejects.toThrow(/simulated failure/);
  });
});
