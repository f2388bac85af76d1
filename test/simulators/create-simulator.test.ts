import { afterEach, describe, expect, it, onTestFinished } from "vitest";
import { SIMULATOR_KINDS, simulatorModes, startSimulator, type Simulator, type SimulatorKind } from "../../scripts/simulators/index.ts";
import { FINGERPRINTS } from "./fingerprints.ts";
import { call, failure, get, post, type Answer } from "./http.ts";

const opened: Simulator[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
});

async function start(kind: SimulatorKind, finished?: typeof onTestFinished): Promise<Simulator> {
  const sim = await startSimulator(kind, { tokenDelayMs: 0, delayMs: 300, hugeBytes: 2 * 1024 * 1024 });
  // Concurrent tests close their own simulator; the others use the shared list.
  if (finished) finished(() => sim.close());
  else opened.push(sim);
  return sim;
}

function fingerprint(sim: Simulator, init: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<Answer> {
  const f = FINGERPRINTS[sim.kind];
  return call(`${sim.url}${f.path}`, { method: f.method, headers: { "Content-Type": "application/json" }, body: f.body ? JSON.stringify(f.body) : undefined, ...init });
}

/** A body that is the same on every call (ids and timestamps vary between calls). */
const stable = (a: Answer) => `${a.status} ${a.text.replace(/"(id|created|created_at|system_fingerprint)":("[^"]*"|\d+)/g, "")}`;

describe("startSimulator()", () => {
  it("registers a fingerprint for every kind, so the mode table below covers them all", () => {
    expect(Object.keys(FINGERPRINTS).sort()).toEqual([...SIMULATOR_KINDS].sort());
  });

  it("listens on 127.0.0.1 with an ephemeral port by default", async () => {
    const sim = await start("ollama");
    expect(sim.url).toBe(`http://127.0.0.1:${sim.port}`);
    expect(sim.port).toBeGreaterThan(0);
  });

  it("refuses a mode the kind does not implement, naming the ones it does", async () => {
    const sim = await start("candle-vllm");
    await expect(sim.setMode("unloaded")).rejects.toThrow(/candle-vllm simulator has no "unloaded" mode; it supports up, down/);
  });
});

describe.concurrent.each(SIMULATOR_KINDS.map((kind) => ({ kind })))("the $kind simulator in the shared modes", ({ kind }) => {
  it("answers its fingerprint with 200 when up and records the request", async ({ onTestFinished: finished }) => {
    const sim = await start(kind, finished);
    expect((await fingerprint(sim)).status).toBe(200);
    expect(sim.requests.map((r) => r.path)).toEqual([FINGERPRINTS[kind].path]);
  });

  it("refuses connections when down and answers again on the same port when back up", async ({ onTestFinished: finished }) => {
    const sim = await start(kind, finished);
    const port = sim.port;
    await sim.setMode("down");
    expect((await failure(fingerprint(sim))).message).toMatch(/fetch failed/);
    await sim.setMode("up");
    expect(sim.port).toBe(port);
    expect((await fingerprint(sim)).status).toBe(200);
  });

  it("delays the answer by delayMs when slow", async ({ onTestFinished: finished }) => {
    const sim = await start(kind, finished);
    await sim.setMode("slow", { delayMs: 300 });
    const started = Date.now();
    expect((await fingerprint(sim)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it("accepts and never answers when hung", async ({ onTestFinished: finished }) => {
    const sim = await start(kind, finished);
    await sim.setMode("hung");
    const err = await failure(fingerprint(sim, { signal: AbortSignal.timeout(300) }));
    expect(err.name).toBe("TimeoutError");
    expect(sim.requests).toHaveLength(1);
  });

  it("drops the connection without an answer when close", async ({ onTestFinished: finished }) => {
    const sim = await start(kind, finished);
    await sim.setMode("close");
    expect((await failure(fingerprint(sim))).message).toMatch(/fetch failed/);
  });

  it("answers 200 with a body that is not the service's when garbage", async ({ onTestFinished: finished }) => {
    const sim = await start(kind, finished);
    const normal = await fingerprint(sim);
    await sim.setMode("garbage");
    const answer = await fingerprint(sim);
    expect(answer.status).toBe(200);
    expect(answer.text).not.toBe(normal.text);
    expect(() => JSON.parse(answer.text)).toThrow();
  });

  it.for([
    { mode: "error-500" as const, status: 500 },
    { mode: "error-200" as const, status: 200 },
  ])("answers $status with the server's error body in $mode", async ({ mode, status }, { onTestFinished: finished }) => {
    const sim = await start(kind, finished);
    await sim.setMode(mode);
    const answer = await fingerprint(sim);
    expect(answer.status).toBe(status);
    const body = answer.json();
    expect(body.error ?? body.detail).toBeDefined(); // FastAPI servers say "detail"
  });

  it("answers 200 with a body larger than hugeBytes when huge", async ({ onTestFinished: finished }) => {
    const sim = await start(kind, finished);
    await sim.setMode("huge");
    const answer = await fingerprint(sim);
    expect(answer.status).toBe(200);
    expect(answer.bytes.length).toBeGreaterThan(2 * 1024 * 1024);
  });

  it("answers like another server when wrong-service", async ({ onTestFinished: finished }) => {
    const sim = await start(kind, finished);
    const normal = await fingerprint(sim);
    await sim.setMode("wrong-service");
    expect(stable(await fingerprint(sim))).not.toBe(stable(normal));
  });

  it("switches modes through POST /__sim/mode and reports them in GET /__sim/state", async ({ onTestFinished: finished }) => {
    const sim = await start(kind, finished);
    expect((await post(`${sim.url}/__sim/mode`, { mode: "error-500" })).status).toBe(200);
    expect((await fingerprint(sim)).status).toBe(500);
    const state = (await get(`${sim.url}/__sim/state`)).json();
    expect(state).toMatchObject({ kind, mode: "error-500", port: sim.port, modes: simulatorModes(kind) });
    expect(sim.requests.every((r) => !r.path.startsWith("/__sim"))).toBe(true);
  });
});

describe("the /__sim control routes", () => {
  it.each([
    { name: "an unknown mode", path: "/__sim/mode", body: { mode: "sideways" }, message: /mode/ },
    { name: "a mode the kind lacks", path: "/__sim/mode", body: { mode: "unloaded" }, message: /no "unloaded" mode/ },
    { name: "models that are not strings", path: "/__sim/models", body: { loaded: [1] }, message: /loaded/ },
    { name: "a negative delay", path: "/__sim/options", body: { tokenDelayMs: -1 }, message: /tokenDelayMs/ },
    { name: "a body that is not JSON", path: "/__sim/options", body: "{nope", message: /not JSON/ },
  ])("reject $name with 400 and a message naming the place", async ({ path, body, message }) => {
    const sim = await start("candle-vllm");
    const answer = await post(`${sim.url}${path}`, body);
    expect(answer.status).toBe(400);
    expect(answer.json().error).toMatch(message);
  });

  it("POST /__sim/mode {\"mode\":\"down\"} answers, then stops listening", async () => {
    const sim = await start("ollama");
    expect((await post(`${sim.url}/__sim/mode`, { mode: "down" })).json().mode).toBe("down");
    await expect.poll(() => sim.mode).toBe("down");
    await expect.poll(async () => (await fingerprint(sim).then(() => "up", () => "refused"))).toBe("refused");
  });

  it("POST /__sim/models and /__sim/options change what the server says", async () => {
    const sim = await start("ollama");
    await post(`${sim.url}/__sim/models`, { available: ["a:1b", "b:2b"], loaded: ["b:2b"] });
    await post(`${sim.url}/__sim/options`, { reply: "Changed." });
    expect((await get(`${sim.url}/api/tags`)).json().models.map((m: { name: string }) => m.name)).toEqual(["a:1b", "b:2b"]);
    expect((await get(`${sim.url}/api/ps`)).json().models.map((m: { name: string }) => m.name)).toEqual(["b:2b"]);
    expect((await post(`${sim.url}/api/generate`, { model: "a:1b", prompt: "x", stream: false })).json().response).toBe("Changed.");
  });
});
