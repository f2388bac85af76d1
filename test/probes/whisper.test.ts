import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "../../scripts/simulators/index.ts";
import { itReportsBrokenStates, itReportsHungAsDown, itReportsWrongService, probeOnce } from "./probe-once.ts";

describe("whisper probe, whisper.cpp server", () => {
  let sim: Simulator;
  const target = () => ({ kind: "whisper", api: "whisper.cpp", url: sim.url });

  beforeAll(async () => {
    sim = await startSimulator("whisper");
  });
  afterEach(async () => {
    await sim.setMode("up");
  });
  afterAll(async () => {
    expect(sim.requests.filter((r) => r.method === "POST")).toEqual([]);
    await sim.close();
  });

  it("run() reports up when /health is ok and /props is whisper.cpp's own 404", async () => {
    const r = await probeOnce(target());
    expect(r.status).toBe("up");
    expect(r.detail).toMatch(/whisper\.cpp healthy/);
  });

  it("run() reports cold while whisper.cpp loads its model (503 loading model)", async () => {
    await sim.setMode("loading");
    const r = await probeOnce(target());
    expect(r.status).toBe("cold");
    expect(r.detail).toMatch(/loading its model/);
  });

  itReportsBrokenStates(() => sim, target);

  itReportsWrongService(() => sim, target, "mlx_lm.server answers /health on the shared port", /mlx_lm\.server/);

  itReportsHungAsDown(() => sim, target, "whisper.cpp");
});

describe("whisper probe, llama.cpp on whisper.cpp's port", () => {
  it("run() reports wrong-service from llama.cpp's /props, though /health looks the same", async () => {
    const llama = await startSimulator("llamacpp");
    try {
      const r = await probeOnce({ kind: "whisper", api: "whisper.cpp", url: llama.url });
      expect(r.status).toBe("wrong-service");
      expect(r.detail).toMatch(/llama\.cpp/);
    } finally {
      await llama.close();
    }
  });
});

describe("whisper probe, OpenAI-compatible transcription", () => {
  const MODEL = "Systran/faster-whisper-small";
  let sim: Simulator;
  const target = (extra: Record<string, unknown> = {}) => ({ kind: "whisper", api: "openai", url: sim.url, model: MODEL, ...extra });

  beforeAll(async () => {
    sim = await startSimulator("whisper-openai", { models: [MODEL] });
  });
  afterEach(async () => {
    await sim.setMode("up");
  });
  afterAll(async () => {
    await sim.close();
  });

  it("run() transcribes the generated clip and reports up with the real-time factor", async () => {
    const r = await probeOnce(target());
    expect(r.status).toBe("up");
    expect(r.detail).toMatch(/transcribed a 0.5 s clip in \d+ ms \(RTF [\d.]+\)/);
    expect(r.metrics["speech.rtf"]).toBeGreaterThan(0);
    expect(sim.requests.at(-1)).toMatchObject({ method: "POST", path: "/v1/audio/transcriptions" });
  });

  it("run() reports degraded when the model is not installed on the server", async () => {
    const r = await probeOnce(target({ model: "Systran/faster-whisper-large-v3" }));
    expect(r.status).toBe("degraded");
    expect(r.detail).toMatch(/faster-whisper-large-v3 is not available here/);
  });

  it("run() reports up once the model loads when it was unloaded", async () => {
    await sim.setMode("unloaded");
    const r = await probeOnce(target());
    expect(r.status).toBe("up");
  });

  itReportsBrokenStates(() => sim, target);

  itReportsWrongService(() => sim, target, "a KServe server answers the transcription route with 404", /answered 404/);

  itReportsHungAsDown(() => sim, target, "transcription");
});
