import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { readWav } from "../../scripts/simulators/index.ts";
import { get, post } from "./http.ts";
import { simulators } from "./sim-lifecycle.ts";

const start = simulators("tts-openai");

describe("the tts-openai simulator", () => {
  it("GET /health, /v1/models and /v1/audio/voices answer", async () => {
    const sim = await start();
    expect((await get(`${sim.url}/health`)).json()).toEqual({ status: "ok" });
    expect((await get(`${sim.url}/v1/models`)).json().data.map((m: { id: string }) => m.id)).toContain("tts-1");
    expect((await get(`${sim.url}/v1/audio/voices`)).json().voices[0]).toEqual({ id: "alloy", name: "alloy" });
  });

  it("the official openai client gets a valid WAV whose length follows the input", async () => {
    const sim = await start();
    const client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: "x", maxRetries: 0 });
    const speak = async (input: string) => Buffer.from(await (await client.audio.speech.create({ model: "tts-1", voice: "alloy", input, response_format: "wav" })).arrayBuffer());
    const short = readWav(await speak("Hello there."));
    const long = readWav(await speak("Hello there. ".repeat(8)));
    expect(short).toMatchObject({ sampleRate: 24000, channels: 1, bitsPerSample: 16 });
    expect(short!.durationSec).toBeCloseTo(12 * 0.065, 2);
    expect(long!.durationSec / short!.durationSec).toBeGreaterThan(7);
  });

  it.each([
    { name: "streamed", stream: undefined },
    { name: "not streamed", stream: false },
  ])("speed 2 halves the duration ($name)", async ({ stream }) => {
    const sim = await start();
    const answer = await post(`${sim.url}/v1/audio/speech`, { model: "tts-1", input: "x".repeat(40), voice: "alloy", speed: 2, stream });
    expect(answer.contentType).toBe("audio/wav");
    expect(readWav(answer.bytes)?.durationSec).toBeCloseTo(1.3, 2);
  });

  it.each([
    { name: "an empty input", body: { model: "tts-1", input: " " }, message: "Empty Input" },
    { name: "mp3, which it cannot encode", body: { model: "tts-1", input: "hi", response_format: "mp3" }, message: /use wav or pcm/ },
    { name: "an unknown model", body: { model: "nope", input: "hi" }, message: /Unsupported model/ },
  ])("answers 400 to $name", async ({ body, message }) => {
    const sim = await start();
    const answer = await post(`${sim.url}/v1/audio/speech`, body);
    expect(answer.status).toBe(400);
    expect(answer.json().error.message).toMatch(message);
  });

  it("garbage: the speech route answers 200 audio/wav with zero bytes", async () => {
    const sim = await start();
    await sim.setMode("garbage");
    const answer = await post(`${sim.url}/v1/audio/speech`, { model: "tts-1", input: "hi" });
    expect([answer.status, answer.contentType, answer.bytes.length]).toEqual([200, "audio/wav", 0]);
  });

  it("loading: /health says unk and speech is 503", async () => {
    const sim = await start();
    await sim.setMode("loading");
    expect((await get(`${sim.url}/health`)).json()).toEqual({ status: "unk" });
    expect((await post(`${sim.url}/v1/audio/speech`, { model: "tts-1", input: "hi" })).status).toBe(503);
  });

  it("stream-error: the audio stops after the first piece", async () => {
    const sim = await start();
    await sim.setMode("stream-error");
    const err = await post(`${sim.url}/v1/audio/speech`, { model: "tts-1", input: "hello ".repeat(20) }).then(() => undefined, (e: Error) => e);
    expect(err?.message).toMatch(/terminated|fetch failed/);
  });
});
