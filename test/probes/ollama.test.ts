import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "../../scripts/simulators/index.ts";
import { itReportsBrokenStates, itReportsHungAsDown, itReportsStates, itReportsWrongService, probeOnce } from "./probe-once.ts";

describe("ollama probe", () => {
  let sim: Simulator;
  const target = (extra: Record<string, unknown> = {}) => ({ kind: "ollama", url: sim.url, ...extra });

  beforeAll(async () => {
    sim = await startSimulator("ollama", { models: ["llama3.2:latest", "qwen2.5:7b", "llava:7b"], loaded: ["llama3.2:latest"] });
  });
  afterEach(async () => {
    await sim.setMode("up");
    sim.setModels({ available: ["llama3.2:latest", "qwen2.5:7b", "llava:7b"], loaded: ["llama3.2:latest"] });
  });
  afterAll(async () => {
    // Whatever state each test left, the probe never asked Ollama to generate, so never loaded a model.
    expect(sim.requests.filter((r) => r.path === "/api/generate" || r.path === "/api/chat" || r.path.startsWith("/v1/chat"))).toEqual([]);
    await sim.close();
  });

  it("run() reports up with loaded and available models, version and memory when a model is loaded", async () => {
    const r = await probeOnce(target({ models: ["llama3.2"] }));
    expect(r.status).toBe("up");
    expect(r.version).toBe("0.13.0");
    expect(r.models.loaded).toEqual(["llama3.2:latest"]);
    expect(r.models.available).toEqual(["llama3.2:latest", "qwen2.5:7b", "llava:7b"]);
    expect(r.metrics["models.loaded"]).toBe(1);
    expect(r.metrics["model.vram_mb"]).toBeGreaterThan(0);
    expect(r.metrics["model.llama3.2:latest.size_mb"]).toBeGreaterThan(0);
    expect(r.latencyMs).toBeGreaterThanOrEqual(0);
  });

  itReportsStates(() => sim, target, [
    { name: "nothing loaded and no expected model", mode: "unloaded", models: [], status: "cold", detail: /no model loaded/ },
    { name: "the expected model is available but not loaded", mode: "up", models: ["qwen2.5:7b"], status: "cold", detail: /not loaded: qwen2.5:7b/ },
    { name: "loading: nothing in /api/ps yet", mode: "loading", models: ["llama3.2"], status: "cold", detail: /not loaded: llama3.2/ },
    { name: "the expected model is not installed", mode: "up", models: ["phi4"], status: "degraded", detail: /missing: phi4/ },
  ]);

  itReportsBrokenStates(() => sim, target);

  itReportsWrongService(() => sim, target, "llama.cpp answers on Ollama's port", /llama\.cpp/);

  itReportsHungAsDown(() => sim, target, "Ollama");

  it("run() reports degraded when answers take over half the timeout", async () => {
    await sim.setMode("slow", { delayMs: 1500 });
    const r = await probeOnce(target(), 2500);
    expect(r.status).toBe("degraded");
    expect(r.detail).toMatch(/slow: answered in \d+ ms, over half of the 2500 ms timeout/);
  });
});
