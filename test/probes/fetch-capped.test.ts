import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchCapped } from "../../src/probes/http/fetch-capped.ts";
import { readJson, readJsonAs } from "../../src/probes/http/read-body.ts";
import { recogniseServer } from "../../src/probes/http/recognise-server.ts";
import type { ProbeContext } from "../../src/probes/probe-kind.ts";
import { silentLogger } from "../../src/shared/logger.ts";
import { z } from "zod";

/** Answers the ways real servers go wrong that the simulators do not cover on their own. */
function answer(path: string, res: import("node:http").ServerResponse): void {
  switch (path) {
    case "/declared-huge":
      res.writeHead(200, { "content-type": "application/json", "content-length": String(50 * 1024 * 1024) });
      res.write("[");
      return; // never sends the rest: the probe must not wait for it
    case "/cut-mid-body":
      res.writeHead(200, { "content-type": "application/json", "content-length": "1000" });
      res.write('{"models":[');
      setTimeout(() => res.socket?.destroy(), 20);
      return;
    case "/html":
      return void res.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><html><body>Login</body></html>");
    case "/empty":
      return void res.writeHead(200, { "content-type": "application/json" }).end();
    case "/shape":
      return void res.writeHead(200, { "content-type": "application/json" }).end('{"data":[{"name":"x"}]}');
    case "/hang":
      return; // accepts and never answers
    case "/redirect":
      return void res.writeHead(302, { location: "http://example.invalid/" }).end();
    default:
      return void res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
  }
}

describe("fetchCapped()", () => {
  let server: Server;
  let base: string;
  const ctx = (timeoutMs = 5000): ProbeContext => ({
    fetch: globalThis.fetch,
    signal: AbortSignal.timeout(timeoutMs),
    logger: silentLogger(),
    now: Date.now,
    timeoutMs,
  });

  beforeAll(async () => {
    server = createServer((req, res) => answer(req.url ?? "/", res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it.each([
    { name: "a declared body over the cap", path: "/declared-huge", problem: /GET \/declared-huge: answered 200 with a 50 MiB body, over the 1 MiB cap; not read/ },
    { name: "a connection closed in the middle of the body", path: "/cut-mid-body", problem: /answered 200, then .* while sending the body/ },
  ])("fetchCapped() returns a failure for $name", async ({ path, problem }) => {
    const out = await fetchCapped(ctx(), `${base}${path}`);
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.failure.problem).toMatch(problem);
  });

  it("fetchCapped() does not follow a redirect to another host", async () => {
    const out = await fetchCapped(ctx(), `${base}/redirect`);
    expect(out.ok && out.reply.status).toBe(302);
  });

  it("fetchCapped() reports no answer when the signal aborts while it waits", async () => {
    const out = await fetchCapped(ctx(200), `${base}/hang`);
    expect(out).toMatchObject({ ok: false, failure: { problem: expect.stringMatching(/^GET \/hang: no answer \(/) } });
  });

  it.each([
    { name: "an HTML page", path: "/html", problem: /answered 200 with an HTML page, not JSON/ },
    { name: "an empty body", path: "/empty", problem: /answered 200 with an empty body, not JSON/ },
  ])("readJson() explains $name where JSON was expected", async ({ path, problem }) => {
    const out = await fetchCapped(ctx(), `${base}${path}`);
    if (!out.ok) throw new Error(out.failure.problem);
    const json = readJson(out.reply);
    expect(json.ok).toBe(false);
    if (!json.ok) expect(json.problem).toMatch(problem);
  });

  it("readJsonAs() names the first field of the wrong shape", async () => {
    const out = await fetchCapped(ctx(), `${base}/shape`);
    if (!out.ok) throw new Error(out.failure.problem);
    const parsed = readJsonAs(out.reply, z.object({ data: z.array(z.object({ id: z.string() })) }));
    expect(parsed).toMatchObject({ ok: false, reason: "shape", problem: expect.stringMatching(/wrong shape: data\.0\.id:/) });
  });

  it.each([
    { body: "Ollama is running", server: "Ollama" },
    { body: '{"error":"Unexpected endpoint or method. (GET /health)"}', server: "LM Studio" },
    { body: '{"status": "ok"}', server: "mlx_lm.server" },
    { body: "File Not Found (/props)", server: "whisper.cpp" },
    { body: '{"error":{"code":404,"message":"File Not Found","type":"not_found_error"}}', server: "llama.cpp" },
    { body: '{"object":"list","data":[{"id":"default","object":"model","owned_by":"local"}]}', server: "mistral.rs" },
    { body: '{"error":{"message":"not found","type":"not_found_error","param":null,"code":null}}', server: null },
  ])("recogniseServer() names $server from its fingerprint", ({ body, server }) => {
    const reply = { label: "GET /x", status: 200, contentType: "", body: Buffer.from(body), latencyMs: 1 };
    expect(recogniseServer(reply)).toBe(server);
  });
});
