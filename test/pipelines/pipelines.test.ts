import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_REPLY, makePng, makeWav, startSimulator, type Simulator, type SimulatorMode } from "../../scripts/simulators/index.ts";
import { parseWav, type WavInfo } from "../../src/shared/wav.ts";
import { startRouterHarness, type RouterHarness } from "../router/router-harness.ts";

// Both pipelines end to end over simulators (whisper.cpp, OpenAI TTS, OpenAI vision chat, an Ollama LLM), and
// with each stage failing in turn: the error names the stage and the run record says which one failed.

const sims: Record<string, Simulator> = {};
let h: RouterHarness;

beforeAll(async () => {
  const [whisper, whisperOpenAi, tts, gradio, vision, llm] = await Promise.all([
    startSimulator("whisper", { tokenDelayMs: 0 }),
    startSimulator("whisper-openai", { tokenDelayMs: 0, loadMs: 1 }),
    startSimulator("tts-openai", { tokenDelayMs: 0, loadMs: 1 }),
    startSimulator("tts-gradio", { tokenDelayMs: 0, loadMs: 1 }),
    startSimulator("vision-openai", { tokenDelayMs: 0, loadMs: 1 }),
    startSimulator("ollama", { models: ["llama3.2:latest"], tokenDelayMs: 0, loadMs: 1 }),
  ]);
  Object.assign(sims, { whisper, whisperOpenAi, tts, gradio, vision, llm });
  h = await startRouterHarness(
    `services:
  - { name: llm, kind: ollama, url: "${llm!.url}", models: ["llama3.2:latest"] }
  - { name: whisper, kind: whisper, url: "${whisper!.url}", api: whisper.cpp }
  - { name: whisper2, kind: whisper, url: "${whisperOpenAi!.url}", api: openai, model: Systran/faster-whisper-small }
  - { name: tts, kind: tts, url: "${tts!.url}", api: openai, model: tts-1 }
  - { name: dia, kind: tts, url: "${gradio!.url}", api: gradio }
  - { name: vision, kind: vision, url: "${vision!.url}", api: openai, model: pyvision }
  - { name: yolo, kind: vision, url: "${vision!.url}", api: kserve, model: yolo }
router:
  timeouts: { connect: 500ms, firstByte: 2s, idle: 2s }
pipelines:
  voice: { stt: whisper, tts: tts }
  vision: { model: vision }
`,
    { pipelines: true },
  );
});

afterEach(async () => {
  await Promise.all(Object.values(sims).map((s) => (s.mode === "up" ? undefined : s.setMode("up"))));
});

afterAll(async () => {
  await h?.close();
  await Promise.all(Object.values(sims).map((s) => s.close()));
});

const WAV_SECONDS = 2;
const wavBase64 = () => makeWav(WAV_SECONDS).toString("base64");
const png = () => makePng(16, 16, [220, 20, 20]).toString("base64");

async function post(path: string, body: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${h.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
}

const lastRun = (type: string) => h.runs().filter((r) => r.type === type).at(-1)!;

describe("voice pipeline", () => {
  it("POST /v1/pipelines/voice turns speech into a transcript, an answer and speech, with timings and the real-time factor", async () => {
    const { status, json } = await post("/v1/pipelines/voice", { audio: wavBase64() });
    expect(status).toBe(200);
    expect(json.transcript.length).toBeGreaterThan(0);
    expect(json.answer).toBe(DEFAULT_REPLY);
    const audio = Buffer.from(json.audio, "base64");
    expect((parseWav(audio) as WavInfo).durationS).toBeGreaterThan(0.3);
    for (const stage of ["stt", "llm", "tts", "total"]) expect(json.timings[stage]).toBeGreaterThan(0);
    expect(json.timings.total).toBeGreaterThanOrEqual(json.timings.stt + json.timings.llm + json.timings.tts);
    expect(json.audioSeconds).toBeCloseTo(WAV_SECONDS, 3);
    expect(json.rtf).toBeCloseTo(json.timings.total / 1000 / WAV_SECONDS, 6);
    expect(json.backend).toBe("llm");
    const run = lastRun("voice");
    expect(run).toMatchObject({ outcome: "ok", failed_stage: null, backend: "llm", attempts: 1 });
    expect(run.audio_seconds).toBeCloseTo(WAV_SECONDS, 3);
    expect(Object.keys(JSON.parse(run.stages))).toEqual(["stt", "llm", "tts"]);
  });

  it("POST /v1/pipelines/voice takes multipart audio too", async () => {
    const form = new FormData();
    form.append("file", new Blob([new Uint8Array(makeWav(1))], { type: "audio/wav" }), "question.wav");
    const res = await fetch(`${h.url}/v1/pipelines/voice`, { method: "POST", body: form });
    const json = await res.json();
    expect(res.status).toBe(200);
    expect(json.answer).toBe(DEFAULT_REPLY);
    expect(json.audioSeconds).toBeCloseTo(1, 3);
  });

  it.each([
    { name: "speech recognition is down", sim: "whisper", mode: "down", stage: "stt", status: 502 },
    { name: "speech recognition answers 500", sim: "whisper", mode: "error-500", stage: "stt", status: 502 },
    { name: "the LLM backend is down", sim: "llm", mode: "down", stage: "llm", status: 502 },
    { name: "the LLM backend answers 500", sim: "llm", mode: "error-500", stage: "llm", status: 502 },
    { name: "text-to-speech answers 500", sim: "tts", mode: "error-500", stage: "tts", status: 502 },
    { name: "text-to-speech answers empty audio", sim: "tts", mode: "garbage", stage: "tts", status: 502 },
  ] as { name: string; sim: string; mode: SimulatorMode; stage: string; status: number }[])(
    "the voice pipeline names the stage when $name",
    async ({ sim, mode, stage, status }) => {
      await sims[sim]!.setMode(mode);
      const res = await post("/v1/pipelines/voice", { audio: wavBase64() });
      expect(res.status).toBe(status);
      expect(res.json.error.stage).toBe(stage);
      expect(res.json.error.message).toMatch(new RegExp(`^${stage}: `));
      const run = lastRun("voice");
      expect(run).toMatchObject({ outcome: "error", failed_stage: stage });
      expect(JSON.parse(run.stages)[stage]).toBeGreaterThanOrEqual(0);
    },
  );

  it.each([
    { name: "audio that is not base64", body: { audio: "not base64!!" }, match: /^audio: not valid base64/ },
    { name: "no audio", body: { model: "auto" }, match: /^audio: / },
    { name: "a data URL that is not base64", body: { audio: "data:audio/wav,raw" }, match: /only base64 data URLs/ },
  ])("the voice pipeline refuses $name with a 400 naming the input", async ({ body, match }) => {
    const res = await post("/v1/pipelines/voice", body);
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ stage: "input", type: "invalid_request_error" });
    expect(res.json.error.message).toMatch(match);
    expect(lastRun("voice")).toMatchObject({ outcome: "rejected", failed_stage: "input" });
  });
});

describe("voice pipeline over OpenAI speech recognition and the Dia Gradio app", () => {
  let other: RouterHarness;
  beforeAll(async () => {
    other = await startRouterHarness(
      `services:
  - { name: llm, kind: ollama, url: "${sims.llm!.url}", models: ["llama3.2:latest"] }
  - { name: whisper2, kind: whisper, url: "${sims.whisperOpenAi!.url}", api: openai, model: Systran/faster-whisper-small }
  - { name: dia, kind: tts, url: "${sims.gradio!.url}", api: gradio }
pipelines:
  voice: { stt: whisper2, tts: dia }
`,
      { pipelines: true },
    );
  });
  afterAll(async () => {
    await other?.close();
  });

  it("answers with Dia's audio", async () => {
    const res = await fetch(`${other.url}/v1/pipelines/voice`, { method: "POST", body: JSON.stringify({ audio: `data:audio/wav;base64,${wavBase64()}` }) });
    const json = await res.json();
    expect(res.status).toBe(200);
    expect(json.answer).toBe(DEFAULT_REPLY);
    expect((parseWav(Buffer.from(json.audio, "base64")) as WavInfo).sampleRate).toBe(44_100);
  });

  it("names the tts stage when the Gradio app reports an error", async () => {
    await sims.gradio!.setMode("stream-error");
    const res = await fetch(`${other.url}/v1/pipelines/voice`, { method: "POST", body: JSON.stringify({ audio: wavBase64() }) });
    const json = await res.json();
    expect(json.error.stage).toBe("tts");
    expect(json.error.message).toMatch(/the Gradio app reported/);
  });
});

describe("vision pipeline", () => {
  it("POST /v1/pipelines/vision describes the image and answers the question from the description", async () => {
    const { status, json } = await post("/v1/pipelines/vision", { image: `data:image/png;base64,${png()}`, question: "What colour is it?" });
    expect(status).toBe(200);
    expect(json.description).toMatch(/16x16 PNG/);
    expect(json.answer).toBe(DEFAULT_REPLY);
    expect(json.timings.vision).toBeGreaterThan(0);
    expect(json.timings.llm).toBeGreaterThan(0);
    expect(lastRun("vision")).toMatchObject({ outcome: "ok", backend: "llm" });
  });

  it("takes bare base64 and guesses the image type", async () => {
    const { status, json } = await post("/v1/pipelines/vision", { image: png(), question: "What is it?" });
    expect(status).toBe(200);
    expect(json.description).toMatch(/PNG/);
  });

  it.each([
    { name: "the vision model is down", sim: "vision", mode: "down", stage: "vision" },
    { name: "the vision model answers 500", sim: "vision", mode: "error-500", stage: "vision" },
    { name: "the LLM backend is down", sim: "llm", mode: "down", stage: "llm" },
  ] as { name: string; sim: string; mode: SimulatorMode; stage: string }[])("the vision pipeline names the stage when $name", async ({ sim, mode, stage }) => {
    await sims[sim]!.setMode(mode);
    const res = await post("/v1/pipelines/vision", { image: png(), question: "What is it?" });
    expect(res.status).toBe(502);
    expect(res.json.error.stage).toBe(stage);
    expect(lastRun("vision")).toMatchObject({ outcome: "error", failed_stage: stage });
  });

  it.each([
    { name: "no question", body: { image: "iVBORw0KGgo=" }, match: /^question: / },
    { name: "a data URL that is not an image", body: { image: "data:text/plain;base64,aGVsbG8=", question: "q" }, match: /not text\/plain/ },
    { name: "malformed JSON", body: undefined, match: /not valid JSON/ },
  ])("the vision pipeline refuses $name with a 400", async ({ body, match }) => {
    const res = await fetch(`${h.url}/v1/pipelines/vision`, { method: "POST", body: body === undefined ? "{oops" : JSON.stringify(body) });
    const json = await res.json();
    expect(res.status).toBe(400);
    expect(json.error.stage).toBe("input");
    expect(json.error.message).toMatch(match);
  });
});

describe("misconfigured pipelines", () => {
  let bad: RouterHarness;
  beforeAll(async () => {
    bad = await startRouterHarness(
      `services:
  - { name: llm, kind: ollama, url: "${sims.llm!.url}", models: ["llama3.2:latest"] }
  - { name: yolo, kind: vision, url: "${sims.vision!.url}", api: kserve, model: yolo }
pipelines:
  voice: { stt: llm, tts: nowhere }
  vision: { model: yolo }
`,
      { pipelines: true },
    );
  });
  afterAll(async () => {
    await bad?.close();
  });

  it.each([
    { name: "the speech service is not a whisper service", path: "/v1/pipelines/voice", body: { audio: "UklGRg==" }, stage: "stt", match: /a ollama service; it must be a whisper service/ },
    { name: "the vision service cannot describe images", path: "/v1/pipelines/vision", body: { image: "iVBORw0KGgo=", question: "q" }, stage: "vision", match: /speaks kserve/ },
  ])("answers 503 naming the stage when $name", async ({ path, body, stage, match }) => {
    const res = await fetch(`${bad.url}${path}`, { method: "POST", body: JSON.stringify(body) });
    const json = await res.json();
    expect(res.status).toBe(503);
    expect(json.error.stage).toBe(stage);
    expect(json.error.message).toMatch(match);
  });
});
