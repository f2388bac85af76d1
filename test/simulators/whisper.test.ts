import { describe, expect, it } from "vitest";
import { makeWav } from "../../scripts/simulators/index.ts";
import { call, get } from "./http.ts";
import { simulators } from "./sim-lifecycle.ts";

const start = simulators("whisper");

function form(fields: Record<string, string>, file?: Buffer): FormData {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.append(k, v);
  if (file) data.append("file", new Blob([new Uint8Array(file)], { type: "audio/wav" }), "clip.wav");
  return data;
}

describe("the whisper simulator (whisper.cpp)", () => {
  it("GET /health is {\"status\":\"ok\"}; an unknown path is a text 404 naming it", async () => {
    const sim = await start();
    expect((await get(`${sim.url}/health`)).text).toBe('{"status":"ok"}');
    const missing = await get(`${sim.url}/v1/models`);
    expect([missing.status, missing.text, missing.contentType]).toEqual([404, "File Not Found (/v1/models)", "text/plain; charset=utf-8"]);
  });

  it.each([
    { seconds: 1, words: 3 },
    { seconds: 4, words: 10 },
  ])("POST /inference transcribes a $seconds s WAV into $words words with a leading space", async ({ seconds, words }) => {
    const sim = await start();
    const answer = await call(`${sim.url}/inference`, { method: "POST", body: form({ response_format: "json" }, makeWav(seconds)) });
    const { text } = answer.json();
    expect(text.startsWith(" ")).toBe(true);
    expect(text.trim().split(/\s+/)).toHaveLength(words);
  });

  it.each([
    { format: "text", type: "text/html; charset=utf-8", check: (t: string) => t.startsWith(" ") },
    { format: "srt", type: "application/x-subrip", check: (t: string) => t.includes("00:00:00,000 --> 00:00:02,000") },
    { format: "vtt", type: "text/vtt", check: (t: string) => t.startsWith("WEBVTT") },
    { format: "verbose_json", type: "application/json", check: (t: string) => JSON.parse(t).segments[0].end === 2 },
  ])("response_format $format answers $type", async ({ format, type, check }) => {
    const sim = await start();
    const answer = await call(`${sim.url}/inference`, { method: "POST", body: form({ response_format: format }, makeWav(2)) });
    expect(answer.contentType).toBe(type);
    expect(check(answer.text)).toBe(true);
  });

  it.each([
    { name: "no file", body: form({}), error: "no 'file' field in the request" },
    { name: "a file that is not audio", body: form({}, Buffer.from("not a wav")), error: "failed to read audio data" },
  ])("POST /inference with $name answers 400", async ({ body, error }) => {
    const sim = await start();
    const answer = await call(`${sim.url}/inference`, { method: "POST", body });
    expect([answer.status, answer.json()]).toEqual([400, { error }]);
  });

  it("POST /load loads a known model and refuses an unknown one", async () => {
    const sim = await start({ models: ["models/a.bin", "models/b.bin"] });
    const ok = await call(`${sim.url}/load`, { method: "POST", body: form({ model: "models/b.bin" }) });
    expect([ok.status, ok.text, ok.contentType]).toEqual([200, "Load was successful!", "application/text"]);
    const bad = await call(`${sim.url}/load`, { method: "POST", body: form({ model: "nope" }) });
    expect([bad.status, bad.json()]).toEqual([400, { error: "model not found!" }]);
  });

  it("loading: /health and /inference answer 503 loading model", async () => {
    const sim = await start();
    await sim.setMode("loading");
    const health = await get(`${sim.url}/health`);
    expect([health.status, health.json()]).toEqual([503, { status: "loading model" }]);
    expect((await call(`${sim.url}/inference`, { method: "POST", body: form({}, makeWav(1)) })).status).toBe(503);
  });
});
