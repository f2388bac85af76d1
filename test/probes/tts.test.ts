import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "../../scripts/simulators/index.ts";
import { BROKEN_STATES, itReportsHungAsDown, itReportsWrongService, probeOnce } from "./probe-once.ts";

/** Each test gets its own service name, so the synthesis cache of one does not answer for another. */
let serial = 0;
const fresh = () => `tts-${++serial}`;

const TTS_BROKEN = BROKEN_STATES.map((s) =>
  s.mode === "garbage" ? { ...s, detail: /the audio is empty \(0 bytes\)/ } : s.mode === "huge" ? { ...s, detail: /over the (1|16) MiB cap/ } : s,
);

describe("tts probe, OpenAI /v1/audio/speech", () => {
  let sim: Simulator;
  const target = (extra: Record<string, unknown> = {}) => ({ kind: "tts", api: "openai", url: sim.url, name: fresh(), synthesisEvery: "0s", ...extra });

  beforeAll(async () => {
    sim = await startSimulator("tts-openai");
  });
  afterEach(async () => {
    await sim.setMode("up");
  });
  afterAll(async () => {
    await sim.close();
  });

  it("run() synthesises a sentence and checks the WAV's length", async () => {
    const r = await probeOnce(target());
    expect(r.status).toBe("up");
    expect(r.detail).toMatch(/synthesised 2\.02 s of WAV at 24000 Hz/);
    expect(r.metrics["tts.audio_s"]).toBeCloseTo(2.015, 2);
  });

  it("run() reports cold while the speech model loads (503)", async () => {
    await sim.setMode("loading");
    const r = await probeOnce(target());
    expect(r.status).toBe("cold");
  });

  it.each(TTS_BROKEN)("run() reports $status when the server is in $mode mode", async ({ mode, status, detail }) => {
    await sim.setMode(mode);
    const r = await probeOnce(target());
    expect(r.status).toBe(status);
    expect(r.detail).toMatch(detail);
  });

  itReportsWrongService(() => sim, target, "a KServe server answers the speech route with 404");

  it("run() synthesises once per synthesisEvery and checks /health in between", async () => {
    const t = target({ synthesisEvery: "1h" });
    const before = sim.requests.length;
    const first = await probeOnce(t);
    const second = await probeOnce(t);
    expect([first.status, second.status]).toEqual(["up", "up"]);
    expect(second.detail).toMatch(/GET \/health answered 200; last synthesis \d+ s ago: synthesised/);
    expect(sim.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual(["POST /v1/audio/speech", "GET /health"]);
  });

  it("run() reports down between syntheses when the liveness check fails", async () => {
    const t = target({ synthesisEvery: "1h" });
    expect((await probeOnce(t)).status).toBe("up");
    await sim.setMode("down");
    const r = await probeOnce(t);
    expect(r.status).toBe("down");
    expect(r.detail).toMatch(/GET \/health: connection refused/);
  });

  itReportsHungAsDown(() => sim, target, "synthesis");
});

describe("tts probe, Nari Dia Gradio app", () => {
  let sim: Simulator;
  const target = (extra: Record<string, unknown> = {}) => ({ kind: "tts", api: "gradio", url: sim.url, name: fresh(), synthesisEvery: "0s", ...extra });

  beforeAll(async () => {
    sim = await startSimulator("tts-gradio");
  });
  afterEach(async () => {
    await sim.setMode("up");
  });
  afterAll(async () => {
    await sim.close();
  });

  it("run() makes the two-step Gradio call, fetches the audio file and checks it", async () => {
    const before = sim.requests.length;
    const r = await probeOnce(target());
    expect(r.status).toBe("up");
    expect(r.detail).toMatch(/synthesised 2\.49 s of WAV at 44100 Hz/);
    const paths = sim.requests.slice(before).map((q) => `${q.method} ${q.path.replace(/[0-9a-f]{32,}/g, "<id>")}`);
    expect(paths).toEqual(["POST /gradio_api/call/generate_audio", "GET /gradio_api/call/generate_audio/<id>", "GET /gradio_api/file=/tmp/gradio/<id>/audio.wav"]);
  });

  it("run() reports down with the app's message when the job ends in an error event", async () => {
    await sim.setMode("stream-error");
    const r = await probeOnce(target());
    expect(r.status).toBe("down");
    expect(r.detail).toMatch(/the job failed \(event: error, "simulated failure/);
  });

  it.each(TTS_BROKEN)("run() reports $status when the app is in $mode mode", async ({ mode, status, detail }) => {
    await sim.setMode(mode);
    const r = await probeOnce(target());
    expect(r.status).toBe(status);
    expect(r.detail).toMatch(detail);
  });

  itReportsWrongService(() => sim, target, "AUTOMATIC1111 answers on the shared Gradio port");

  it("run() checks /gradio_api/info between syntheses and keeps the last verdict", async () => {
    const t = target({ synthesisEvery: "1h" });
    expect((await probeOnce(t)).status).toBe("up");
    const before = sim.requests.length;
    const r = await probeOnce(t);
    expect(r.status).toBe("up");
    expect(r.detail).toMatch(/lists \/generate_audio; last synthesis/);
    expect(sim.requests.slice(before).map((q) => `${q.method} ${q.path}`)).toEqual(["GET /gradio_api/info"]);
  });

  it("run() reports wrong-service between syntheses when the app no longer lists the endpoint", async () => {
    const t = target({ synthesisEvery: "1h", gradioEndpoint: "generate_audio" });
    expect((await probeOnce(t)).status).toBe("up");
    await sim.setMode("wrong-service");
    const r = await probeOnce(t);
    expect(r.status).toBe("wrong-service");
  });

  itReportsHungAsDown(() => sim, target, "Gradio app");
});
