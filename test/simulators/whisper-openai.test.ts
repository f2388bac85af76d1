import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { makeWav } from "../../scripts/simulators/index.ts";
import { call, get, sseData } from "./http.ts";
import { simulators } from "./sim-lifecycle.ts";

const start = simulators("whisper-openai");
const MODEL = "Systran/faster-whisper-small";

function form(fields: Record<string, string>, file?: Buffer): FormData {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.append(k, v);
  if (file) data.append("file", new Blob([new Uint8Array(file)], { type: "audio/wav" }), "clip.wav");
  return data;
}

const transcribe = (url: string, body: FormData) => call(`${url}/v1/audio/transcriptions`, { method: "POST", body });

describe("the whisper-openai simulator (speaches-shaped)", () => {
  it("GET /health is {\"message\":\"OK\"} and /v1/models filters by task", async () => {
    const sim = await start();
    expect((await get(`${sim.url}/health`)).json()).toEqual({ message: "OK" });
    expect((await get(`${sim.url}/v1/models?task=automatic-speech-recognition`)).json().data[0]).toMatchObject({ id: MODEL, task: "automatic-speech-recognition" });
    expect((await get(`${sim.url}/v1/models?task=text-to-speech`)).json().data).toEqual([]);
  });

  it("the official openai client transcribes a WAV; the text grows with the clip", async () => {
    const sim = await start();
    const client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: "x", maxRetries: 0 });
    const short = await client.audio.transcriptions.create({ model: MODEL, file: new File([new Uint8Array(makeWav(1))], "a.wav") });
    const long = await client.audio.transcriptions.create({ model: MODEL, file: new File([new Uint8Array(makeWav(4))], "b.wav") });
    expect(short.text.split(" ")).toHaveLength(3);
    expect(long.text.split(" ")).toHaveLength(10);
  });

  it.each([
    { name: "no model", fields: {} as Record<string, string>, file: true, status: 422, loc: "model" },
    { name: "no file", fields: { model: MODEL }, file: false, status: 422, loc: "file" },
  ])("answers 422 naming the missing field when there is $name", async ({ fields, file, status, loc }) => {
    const sim = await start();
    const answer = await transcribe(sim.url, form(fields, file ? makeWav(1) : undefined));
    expect(answer.status).toBe(status);
    expect(answer.json().detail[0].loc).toEqual(["body", loc]);
  });

  it("answers 404 for a model that is not installed", async () => {
    const sim = await start();
    const answer = await transcribe(sim.url, form({ model: "nope" }, makeWav(1)));
    expect(answer.status).toBe(404);
    expect(answer.json().detail).toMatch(/not installed locally/);
  });

  it("stream=true sends text deltas and a transcript.text.done event, no [DONE]", async () => {
    const sim = await start();
    const frames = sseData((await transcribe(sim.url, form({ model: MODEL, stream: "true" }, makeWav(2)))).text);
    expect(frames.slice(0, -1).every((f) => f.type === "transcript.text.delta")).toBe(true);
    expect(frames.at(-1)).toMatchObject({ type: "transcript.text.done" });
    expect(frames).not.toContain("[DONE]");
  });

  it("unloaded: /api/ps is empty until a transcription loads the model; POST/DELETE /api/ps load and unload", async () => {
    const sim = await start();
    await sim.setMode("unloaded");
    expect((await get(`${sim.url}/api/ps`)).json()).toEqual({ models: [] });
    await transcribe(sim.url, form({ model: MODEL }, makeWav(1)));
    expect((await get(`${sim.url}/api/ps`)).json()).toEqual({ models: [MODEL] });
    expect((await call(`${sim.url}/api/ps/${MODEL}`, { method: "POST" })).status).toBe(409);
    expect((await call(`${sim.url}/api/ps/${MODEL}`, { method: "DELETE" })).status).toBe(200);
    expect((await call(`${sim.url}/api/ps/${MODEL}`, { method: "POST" })).status).toBe(201);
  });

  it("loading: the transcription waits delayMs for the model", async () => {
    const sim = await start({ delayMs: 250 });
    await sim.setMode("loading");
    const started = Date.now();
    expect((await transcribe(sim.url, form({ model: MODEL }, makeWav(1)))).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
  });

  it("stream-error: a streamed transcription is cut after some deltas", async () => {
    const sim = await start();
    await sim.setMode("stream-error");
    const err = await transcribe(sim.url, form({ model: MODEL, stream: "true" }, makeWav(3))).then(() => undefined, (e: Error) => e);
    expect(err?.message).toMatch(/terminated|fetch failed/);
  });
});
