import { Ollama } from "ollama";
import OpenAI from "openai";
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_REPLY, startSimulator, type Simulator, type SimulatorKind, type SimulatorMode } from "../../scripts/simulators/index.ts";
import { eventually, startRouterHarness, type RouterHarness } from "./router-harness.ts";

// Fallback, stream failures, the breaker and the balancer, against real simulators. Backend "a" is an Ollama
// server and "b" an OpenAI-compatible one, both serving the model "shared", so a fallback also crosses dialects.
// Their config entries list the model, as a real config does, so the router knows it even while they are down.

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((x) => x.close()));
});

interface Setup {
  h: RouterHarness;
  a: Simulator;
  b: Simulator;
  openai: OpenAI;
  ollama: Ollama;
}

async function setup(
  options: { aKind?: SimulatorKind; routerYaml?: string; breaker?: string; timeouts?: string; extraServices?: string; aSim?: object; bSim?: object } = {},
): Promise<Setup> {
  const a = await startSimulator(options.aKind ?? "ollama", { models: [options.aKind && options.aKind !== "ollama" ? "shared" : "shared:latest"], tokenDelayMs: 1, loadMs: 1, ...options.aSim });
  const b = await startSimulator("openai-compatible", { models: ["shared"], tokenDelayMs: 1, loadMs: 1, ...options.bSim });
  open.push(a, b);
  const aKind = options.aKind && options.aKind !== "ollama" ? "openai-compatible" : "ollama";
  const h = await startRouterHarness(`services:
  - { name: a, kind: ${aKind}, url: "${a.url}", models: ["${aKind === "ollama" ? "shared:latest" : "shared"}"] }
  - { name: b, kind: openai-compatible, url: "${b.url}", models: [shared] }
${options.extraServices ?? ""}
router:
  backends: [a, b]
  timeouts: ${options.timeouts ?? "{ connect: 1s, firstByte: 3s, idle: 3s }"}
  breaker: ${options.breaker ?? "{ failures: 1000, cooldown: 10s }"}
${options.routerYaml ?? ""}`);
  open.unshift(h);
  return { h, a, b, openai: new OpenAI({ baseURL: `${h.url}/v1`, apiKey: "unused", maxRetries: 0 }), ollama: new Ollama({ host: h.url }) };
}

const chats = (s: Simulator) => s.requests.filter((r) => r.path.endsWith("/chat") || r.path.endsWith("/completions")).length;
const ask = { model: "shared", messages: [{ role: "user" as const, content: "Say hello" }] };

describe("fallback before the first byte", () => {
  it.each([
    { name: "down (connection refused)", mode: "down" },
    { name: "answering 500", mode: "error-500" },
    { name: "hung before the first byte", mode: "hung", timeouts: "{ connect: 1s, firstByte: 1s, idle: 3s }" },
    { name: "closing the connection without an answer", mode: "close" },
  ] as { name: string; mode: SimulatorMode; timeouts?: string }[])("a backend $name is skipped for the next one, streamed and not", async ({ mode, timeouts }) => {
    const { h, a, b, openai } = await setup({ timeouts });
    await a.setMode(mode);
    const { data, response } = await openai.chat.completions.create(ask).withResponse();
    expect(data.choices[0]!.message.content).toBe(DEFAULT_REPLY);
    expect(response.headers.get("x-ai-tracker-backend")).toBe("b");
    expect(response.headers.get("x-ai-tracker-attempts")).toBe("2");
    let text = "";
    for await (const chunk of await openai.chat.completions.create({ ...ask, stream: true })) text += chunk.choices[0]?.delta?.content ?? "";
    expect(text).toBe(DEFAULT_REPLY);
    expect(chats(b)).toBe(2);
    const runs = h.runs();
    expect(runs[0]).toMatchObject({ backend: "b", attempts: 2, outcome: "ok" });
    expect(runs[0]!.upstream_ms).toBeGreaterThan(0);
  });

  it("every backend failing gives a 502 that names each attempt", async () => {
    const { h, a, b, openai } = await setup();
    await a.setMode("error-500");
    await b.setMode("down");
    const err = await openai.chat.completions.create(ask).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
    expect((err as Error).message).toMatch(/a: HTTP 500.*b: cannot connect/);
    expect(h.runs()[0]).toMatchObject({ outcome: "error", attempts: 2 });
  });

  it("every backend hanging gives a 504", async () => {
    const { a, b, openai } = await setup({ timeouts: "{ connect: 1s, firstByte: 500ms, idle: 3s }" });
    await a.setMode("hung");
    await b.setMode("hung");
    await expect(openai.chat.completions.create(ask)).rejects.toMatchObject({ status: 504 });
  });

  it("a 200 answer that is not a chat completion is a 502, not passed on as success", async () => {
    const { h, b, openai } = await setup();
    await b.setMode("garbage");
    // A model named after a backend goes to that backend only.
    await expect(openai.chat.completions.create({ ...ask, model: "b" })).rejects.toMatchObject({ status: 502 });
    expect(h.runs()[0]).toMatchObject({ backend: "b", outcome: "error" });
  });
});

describe("streams cut short", () => {
  it.each([
    { name: "an Ollama error line", aKind: "ollama" as SimulatorKind },
    { name: "a dropped connection", aKind: "openai-compatible" as SimulatorKind },
  ])("$name mid-stream ends the openai client's stream with an error and is not retried", async ({ aKind }) => {
    const { h, a, b, openai } = await setup({ aKind });
    await a.setMode("stream-error");
    const stream = await openai.chat.completions.create({ ...ask, stream: true });
    let text = "";
    const err = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? "";
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(text.length).toBeGreaterThan(0);
    expect(chats(b)).toBe(0);
    expect(h.runs()[0]).toMatchObject({ backend: "a", outcome: "error", stream: 1, attempts: 1 });
    expect(h.router.snapshot().find((s) => s.name === "a")!.errorRate).toBe(1);
  });

  it("a cut stream ends the ollama client's stream with an error", async () => {
    const { a, ollama } = await setup({ aKind: "openai-compatible" });
    await a.setMode("stream-error");
    const err = await (async () => {
      for await (const part of await ollama.chat({ ...ask, stream: true })) void part;
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/cut short|ended before/);
  });

  it("a stream that stalls longer than the idle timeout ends with an error", async () => {
    const { h, openai } = await setup({ aSim: { tokenDelayMs: 5000 }, timeouts: "{ connect: 1s, firstByte: 3s, idle: 500ms }" });
    const err = await (async () => {
      for await (const chunk of await openai.chat.completions.create({ ...ask, stream: true })) void chunk;
    })().catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/stalled/);
    expect(h.runs()[0]).toMatchObject({ outcome: "error" });
  });
});

describe("clients that leave", () => {
  it.each([
    { name: "while the backend is still thinking", stream: false, aSim: { delayMs: 300 }, mode: "slow" as SimulatorMode },
    { name: "in the middle of a stream", stream: true, aSim: { tokenDelayMs: 100 }, mode: "up" as SimulatorMode },
  ])("a client leaving $name is recorded as cancelled, not held against the backend, and the router stays up", async ({ stream, aSim, mode }) => {
    const { h, a, openai } = await setup({ aSim });
    await a.setMode(mode);
    const controller = new AbortController();
    const pending = fetch(`${h.url}/v1/chat/completions`, {
      method: "POST",
      body: JSON.stringify({ ...ask, model: "a", stream }),
      signal: controller.signal,
    }).catch((e: unknown) => e);
    // Leave once the backend has the request, not after a fixed delay: on a loaded machine a fixed delay can
    // fire before the router has even read the request, and then there is no run to record.
    if (!stream) {
      await eventually(() => expect(chats(a)).toBe(1));
      controller.abort();
    }
    const res = await pending;
    if (stream) {
      await (res as Response).body!.getReader().read();
      controller.abort();
    }
    await eventually(() => expect(h.runs()[0]).toMatchObject({ outcome: "cancelled", backend: "a" }));
    expect(h.router.snapshot().find((x) => x.name === "a")).toMatchObject({ inFlight: 0, errorRate: 0 });
    await a.setMode("up");
    a.setOptions({ tokenDelayMs: 1 });
    expect((await openai.chat.completions.create({ ...ask, model: "a" })).choices[0]!.message.content).toBe(DEFAULT_REPLY);
  });
});

describe("circuit breaker", () => {
  const onlyA = { ...ask, model: "a" };
  const snapshotOf = (h: RouterHarness) => h.router.snapshot().find((s) => s.name === "a")!;

  it("opens after N failures in a row, stops sending to the backend, and closes after a good trial", async () => {
    const { h, a, openai } = await setup({ breaker: "{ failures: 2, cooldown: 10s }" });
    await a.setMode("error-500");
    for (let i = 0; i < 2; i++) await expect(openai.chat.completions.create(onlyA)).rejects.toMatchObject({ status: 502 });
    expect(snapshotOf(h).breaker).toBe("open");
    const sent = chats(a);
    const refused = await openai.chat.completions.create(onlyA).catch((e: unknown) => e);
    expect(refused).toMatchObject({ status: 503 });
    expect((refused as Error).message).toMatch(/circuit open/);
    expect(chats(a)).toBe(sent);
    await a.setMode("up");
    h.advance(10_000);
    expect(snapshotOf(h).breaker).toBe("half-open");
    const ok = await openai.chat.completions.create(onlyA);
    expect(ok.choices[0]!.message.content).toBe(DEFAULT_REPLY);
    expect(snapshotOf(h)).toMatchObject({ breaker: "closed", consecutiveFailures: 0 });
  });

  it("reopens for another cool-down when the trial fails", async () => {
    const { h, a, openai } = await setup({ breaker: "{ failures: 1, cooldown: 5s }" });
    await a.setMode("error-500");
    await expect(openai.chat.completions.create(onlyA)).rejects.toMatchObject({ status: 502 });
    h.advance(5_000);
    await expect(openai.chat.completions.create(onlyA)).rejects.toMatchObject({ status: 502 });
    await expect(openai.chat.completions.create(onlyA)).rejects.toMatchObject({ status: 503 });
    expect(chats(a)).toBe(2);
  });

  it("opens on the error rate over the window although failures are not consecutive", async () => {
    const { h, a, openai } = await setup({ breaker: "{ failures: 100, errorRate: 0.5, minRequests: 4, window: 30s }" });
    for (const mode of ["error-500", "up", "error-500", "up", "error-500"] as SimulatorMode[]) {
      await a.setMode(mode);
      await openai.chat.completions.create(onlyA).catch(() => undefined);
    }
    expect(snapshotOf(h).breaker).toBe("open");
  });
});

describe("balancer", () => {
  it("prefers the healthy fast backend over a slow one", async () => {
    const { a, b, openai } = await setup({ aSim: { delayMs: 150 } });
    await a.setMode("slow");
    for (let i = 0; i < 12; i++) await openai.chat.completions.create(ask);
    expect(chats(a)).toBeLessThanOrEqual(2);
    expect(chats(b)).toBeGreaterThanOrEqual(10);
  });

  it("avoids a backend that fails fast instead of taking it for idle", async () => {
    const { h, a, b, openai } = await setup({ bSim: { delayMs: 30 } });
    await a.setMode("error-500");
    await b.setMode("slow");
    for (let i = 0; i < 12; i++) await openai.chat.completions.create(ask);
    expect(chats(a)).toBeLessThanOrEqual(2);
    expect(chats(b)).toBe(12);
    expect(h.runs().every((r) => r.outcome === "ok")).toBe(true);
  });

  it("spreads concurrent requests by in-flight count", async () => {
    const { a, b, openai } = await setup({ aSim: { delayMs: 200 }, bSim: { delayMs: 200 } });
    await a.setMode("slow");
    await b.setMode("slow");
    await Promise.all(Array.from({ length: 6 }, () => openai.chat.completions.create(ask)));
    expect(chats(a)).toBeGreaterThanOrEqual(2);
    expect(chats(b)).toBeGreaterThanOrEqual(2);
  });
});

describe("monitor health and host memory", () => {
  it("skips a backend the monitor found to be another service", async () => {
    const { h, b, openai } = await setup();
    h.observe("a", { status: "wrong-service" });
    await b.setMode("down");
    const err = await openai.chat.completions.create(ask).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 502 });
    expect((err as Error).message).toMatch(/a: the monitor found another service/);
    expect(h.runs()[0]).toMatchObject({ attempts: 1, backend: "b" });
  });

  it("tries a backend the monitor reports down only after the others", async () => {
    const { h, a, b, openai } = await setup();
    h.observe("a", { status: "down" });
    const first = await openai.chat.completions.create(ask).withResponse();
    expect(first.response.headers.get("x-ai-tracker-backend")).toBe("b");
    await b.setMode("down");
    const second = await openai.chat.completions.create(ask).withResponse();
    expect(second.response.headers.get("x-ai-tracker-backend")).toBe("a");
    expect(second.response.headers.get("x-ai-tracker-attempts")).toBe("2");
    expect(chats(a)).toBe(1);
  });

  it.each([
    { name: "skips loopback backends while the host is out of memory", used: 97, status: 503 },
    { name: "uses them again once memory is back under the limit", used: 60, status: 200 },
  ])("$name", async ({ used, status }) => {
    const { h, openai } = await setup({ extraServices: "  - { name: host, kind: host, thresholds: { memoryPct: 90 } }" });
    h.observe("host", { metrics: { "memory.used_pct": used } });
    const res = await openai.chat.completions.create(ask).then(() => ({ status: 200, message: "" }), (e: { status: number; message: string }) => e);
    expect(res.status).toBe(status);
    if (status === 503) expect(res.message).toMatch(/host host out of memory \(97% used, limit 90%\)/);
  });
});

describe("auto", () => {
  it.each([
    { name: "a short simple prompt goes to the fast tier", prompt: "hi", backend: "a", tier: "fast" },
    { name: "a reasoning prompt with code goes to the large tier", prompt: "Explain why this fails, step by step:\n```js\nx()\n```", backend: "b", tier: "large" },
  ])("$name", async ({ prompt, backend, tier }) => {
    const { h, openai } = await setup({ routerYaml: "  tiers: { fast: [a], large: [b] }\n  autoModels: { large: { b: shared } }" });
    const { data, response } = await openai.chat.completions.create({ model: "auto", messages: [{ role: "user", content: prompt }] }).withResponse();
    expect(data.choices[0]!.message.content).toBe(DEFAULT_REPLY);
    expect(response.headers.get("x-ai-tracker-backend")).toBe(backend);
    expect(response.headers.get("x-ai-tracker-tier")).toBe(tier);
    expect(h.runs()[0]).toMatchObject({ tier, backend });
  });

  it("falls back to the other tier when the tier's backends fail", async () => {
    const { a, openai } = await setup({ routerYaml: "  tiers: { fast: [a], large: [b] }" });
    await a.setMode("down");
    const { response } = await openai.chat.completions.create({ model: "auto", messages: [{ role: "user", content: "hi" }] }).withResponse();
    expect(response.headers.get("x-ai-tracker-backend")).toBe("b");
    expect(response.headers.get("x-ai-tracker-tier")).toBe("fast");
  });
});
