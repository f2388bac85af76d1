import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "../../scripts/simulators/index.ts";
import { startRouterHarness, type RouterHarness } from "./router-harness.ts";

let sim: Simulator;
let h: RouterHarness;

beforeAll(async () => {
  sim = await startSimulator("openai-compatible", { models: ["m"], tokenDelayMs: 0, loadMs: 1 });
  h = await startRouterHarness(`services:
  - { name: a, kind: openai-compatible, url: "${sim.url}", models: [m], apiKey: "sk-backend-secret-0123456789" }
router:
  maxBodyBytes: 4096
`);
});

afterAll(async () => {
  await h?.close();
  await sim?.close();
});

async function post(path: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; json: any }> {
  const res = await fetch(`${h.url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
  return { status: res.status, json: await res.json() };
}

/** A body sent chunked, without Content-Length, so the cap must be enforced while reading. */
function postChunked(path: string, size: number): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const req = request(`${h.url}${path}`, { method: "POST", headers: { "content-type": "application/json", "transfer-encoding": "chunked" } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode!, json: JSON.parse(Buffer.concat(chunks).toString()) }));
    });
    req.on("error", reject);
    const piece = Buffer.alloc(1024, "a");
    for (let sent = 0; sent < size; sent += piece.length) req.write(piece);
    req.end();
  });
}

const okBody = JSON.stringify({ model: "m", messages: [{ role: "user", content: "hi" }] });

describe("bad requests get a 4xx in the client's dialect and the server stays up", () => {
  it.each([
    { name: "malformed JSON", path: "/v1/chat/completions", body: '{"model": "m", "messages": [', status: 400, match: /not valid JSON/, param: null },
    { name: "an empty body", path: "/v1/chat/completions", body: "", status: 400, match: /no body/, param: null },
    { name: "a JSON array", path: "/v1/chat/completions", body: "[1,2]", status: 400, match: /must be a JSON object/, param: null },
    { name: "a wrong role", path: "/v1/chat/completions", body: JSON.stringify({ model: "m", messages: [{ role: "robot", content: "x" }] }), status: 400, match: /^messages\.0\.role: /, param: "messages.0.role" },
    { name: "no messages", path: "/v1/chat/completions", body: JSON.stringify({ model: "m" }), status: 400, match: /^messages: /, param: "messages" },
    { name: "a non-numeric temperature", path: "/v1/chat/completions", body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "x" }], temperature: "hot" }), status: 400, match: /^temperature: /, param: "temperature" },
    { name: "an unknown model", path: "/v1/chat/completions", body: JSON.stringify({ model: "nope", messages: [{ role: "user", content: "x" }] }), status: 404, match: /"nope" is not served/, param: null },
    { name: "an oversized body", path: "/v1/chat/completions", body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "x".repeat(5000) }] }), status: 413, match: /over the limit of 4096 bytes/, param: null },
  ])("POST /v1/chat/completions with $name gets $status and an OpenAI error", async ({ path, body, status, match, param }) => {
    const res = await post(path, body);
    expect(res.status).toBe(status);
    expect(res.json.error.message).toMatch(match);
    expect(res.json.error.param).toBe(param);
    expect(typeof res.json.error.type).toBe("string");
    expect((await post("/v1/chat/completions", okBody)).status).toBe(200);
  });

  it.each([
    { name: "/api/chat with messages that are not a list", path: "/api/chat", body: JSON.stringify({ model: "m", messages: "hi" }), status: 400, match: /^messages: / },
    { name: "/api/generate without a model", path: "/api/generate", body: JSON.stringify({ prompt: "hi" }), status: 400, match: /^model: / },
    { name: "/api/chat with malformed JSON", path: "/api/chat", body: "{nope", status: 400, match: /not valid JSON/ },
    { name: "/api/chat with an oversized body", path: "/api/chat", body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "y".repeat(9000) }] }), status: 413, match: /over the limit/ },
  ])("POST $name gets $status and an Ollama error", async ({ path, body, status, match }) => {
    const res = await post(path, body);
    expect(res.status).toBe(status);
    expect(typeof res.json.error).toBe("string");
    expect(res.json.error).toMatch(match);
  });

  it("a chunked body over the cap is cut off with a 413", async () => {
    const res = await postChunked("/v1/chat/completions", 64 * 1024);
    expect(res.status).toBe(413);
    expect(res.json.error.code).toBe("body_too_large");
    expect((await post("/v1/chat/completions", okBody)).status).toBe(200);
  });

  it("the openai client sees a 400 with the field as param", async () => {
    const client = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: "unused", maxRetries: 0 });
    const err = await client.chat.completions.create({ model: "m", messages: [{ role: "user", content: 42 as unknown as string }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).param).toBe("messages.0.content");
  });

  it("GET on a chat route is a 405 naming the method", async () => {
    const res = await fetch(`${h.url}/v1/chat/completions`);
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("POST");
  });

  it("rejected requests are recorded as rejected, not as errors", () => {
    const runs = h.runs();
    expect(runs.filter((r) => r.outcome === "rejected").length).toBeGreaterThanOrEqual(12);
    expect(runs.filter((r) => r.outcome === "error")).toEqual([]);
  });
});

describe("logs", () => {
  it("keep prompts and backend keys out at info level, also when a backend fails", async () => {
    const prompt = "PROMPT-SECRET-7731 tell me everything";
    await post("/v1/chat/completions", JSON.stringify({ model: "m", messages: [{ role: "user", content: prompt }] }));
    await sim.setMode("error-500");
    await post("/v1/chat/completions", JSON.stringify({ model: "m", messages: [{ role: "user", content: prompt }] }));
    await post("/api/chat", JSON.stringify({ model: "m", stream: false, messages: [{ role: "user", content: prompt }] }));
    await sim.setMode("up");
    expect(h.logText()).toContain("chat request failed");
    expect(h.logText()).not.toContain("PROMPT-SECRET-7731");
    expect(h.logText()).not.toContain("sk-backend-secret");
  });

  it("the router sends the backend's key upstream as a bearer token", async () => {
    // The simulators do not record headers, so a tiny server here does.
    const seen: (string | undefined)[] = [];
    const server = createServer((req, res) => {
      seen.push(req.headers.authorization);
      req.resume();
      req.on("end", () => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ id: "x", object: "chat.completion", created: 1, model: "k", choices: [{ index: 0, message: { role: "assistant", content: "ok" }, finish_reason: "stop" }] }));
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const keyed = await startRouterHarness(`services:
  - { name: k, kind: lmstudio, url: "http://127.0.0.1:${(server.address() as AddressInfo).port}", models: [k], apiKey: "sk-lmstudio-key-0123456789" }
`);
    try {
      const res = await fetch(`${keyed.url}/v1/chat/completions`, { method: "POST", body: JSON.stringify({ model: "k", messages: [{ role: "user", content: "hi" }] }) });
      expect(res.status).toBe(200);
      expect(seen).toEqual(["Bearer sk-lmstudio-key-0123456789"]);
    } finally {
      await keyed.close();
      server.close();
    }
  });
});
