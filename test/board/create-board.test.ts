import { request } from "node:http";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NewRequirement } from "../../src/board/add-requirement-route.ts";
import { createBoard, type BoardDeps } from "../../src/board/create-board.ts";
import type { BoardConfig, BoardSnapshot, SeriesResponse } from "../../src/board/public/board-types.ts";
import { parseConfig } from "../../src/config/parse-config.ts";
import { DuplicateRequirementError } from "../../src/requirements/duplicate-requirement-error.ts";
import { startHttpServer, type RunningHttpServer } from "../../src/http/http-server.ts";
import { TrackerError } from "../../src/shared/errors.ts";
import { silentLogger } from "../../src/shared/logger.ts";
import { openStore, type Db } from "../../src/store/open-store.ts";
import { createWorkspace, type OpenedWorkspace } from "../../src/workspace/create-workspace.ts";
import { DATABASES } from "../../src/workspace/databases.ts";
import type { Workspace } from "../../src/workspace/workspace.ts";
import { captureLogs } from "../helpers/capture-logs.ts";
import { tempDir } from "../helpers/temp-dir.ts";

const TOKEN = "workspace-token-0123456789";
const KEY = "board-api-key-0123456789";
const CONFIG = parseConfig(
  `
workspace: { kind: local, token: ${TOKEN} }
services:
  - { name: mlx, kind: mlx, url: "http://127.0.0.1:8002" }
  - { name: ollama, kind: ollama, url: "http://127.0.0.1:11434" }
`,
  { source: "test" },
);

describe("createBoard()", () => {
  const dir = tempDir();
  let opened: OpenedWorkspace;
  let store: Db;
  let live: RunningHttpServer;
  let readOnly: RunningHttpServer;
  let bare: RunningHttpServer;
  let keyed: RunningHttpServer;
  const added: NewRequirement[] = [];
  let failNext: Error | undefined;

  beforeAll(async () => {
    opened = await createWorkspace({ config: { kind: "local", host: "127.0.0.1", port: 0 }, dataDir: dir.path, mode: "serve", logger: silentLogger() });
    const ws = opened.workspace;
    for (const spec of DATABASES) await ws.ensureDatabase(spec);
    await ws.upsertRow("Requirements", "FR-001", { seed: { Title: "Router overhead", Owner: "ann", Criteria: "router.overhead.p95 < 2ms over 1h" }, set: { Status: "Verified", Evidence: "🟢 x — 1" } });
    await ws.upsertRow("Services", "mlx", { set: { Name: "mlx", Status: "up", "Latency ms": 12 } });
    await ws.upsertRow("Incidents", "INC-1", { set: { Incident: "INC-1", Service: "mlx", Status: "open" } });
    await ws.writePage({ key: "report-1", title: "Report", markdown: "# Report" });
    store = openStore(`${dir.path}/tracker.sqlite`);
    const now = Date.now();
    const insert = store.prepare("INSERT INTO observations (service, kind, status, latency_ms, at) VALUES (?, 'mlx', ?, ?, ?)");
    for (let i = 0; i < 60; i++) insert.run("mlx", i % 10 === 0 ? "down" : "up", 10 + i, now - i * 60_000);

    const deps: BoardDeps = { config: CONFIG, logger: silentLogger(), now: Date.now, store, workspace: ws };
    const add = async (input: NewRequirement) => {
      if (failNext) {
        const err = failNext;
        failNext = undefined;
        throw err;
      }
      // Refuses a taken id as the catalog's addRequirement does; the route answers 409 from that error.
      if ((await ws.readRows("Requirements")).some((r) => r.key === input.id)) throw new DuplicateRequirementError(input.id);
      added.push(input);
    };
    const asAppflowy: Workspace = Object.assign(Object.create(ws) as Workspace, { kind: "appflowy" as const });
    const serve = (board: ReturnType<typeof createBoard>, apiKey?: string) =>
      startHttpServer({ host: "127.0.0.1", port: 0, apiKey, handlers: [board.handler], logger: silentLogger() });
    live = await serve(createBoard({ ...deps, workspaceUrl: opened.server!.url, addRequirement: add }));
    readOnly = await serve(
      createBoard({
        ...deps,
        workspace: asAppflowy,
        rowUrl: (db, key) => (key === "FR-001" ? `https://appflowy.example.test/${db}/${key}` : "javascript:alert(1)"),
        snapshotRefreshMs: 60_000,
      }),
    );
    bare = await serve(createBoard({ ...deps, workspaceUrl: "ws://0.0.0.0:4555" }));
    keyed = await serve(createBoard({ ...deps, workspaceUrl: opened.server!.url }), KEY);
  });

  afterAll(async () => {
    await Promise.all([live, readOnly, bare, keyed].map((s) => s?.close()));
    await opened?.workspace.close();
    store?.close();
    dir.remove();
  });

  const post = (server: RunningHttpServer, body: unknown, headers: Record<string, string> = { "content-type": "application/json" }) =>
    fetch(`${server.url}/board/api/requirements`, { method: "POST", headers, body: typeof body === "string" ? body : JSON.stringify(body) });

  it("serves the page at / with a strict Content-Security-Policy that allows the workspace socket", async () => {
    const res = await fetch(`${live.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/html/);
    const csp = res.headers.get("content-security-policy")!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    expect(csp).toContain(`connect-src 'self' ${opened.server!.url}`);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    const html = await res.text();
    expect(html).toContain('<script type="module" src="/board/board.js">');
    // No inline script or handler for the policy to have to allow.
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)|\son\w+=/);
  });

  it("serves the bundle gzipped when asked, and 304 for a matching etag", async () => {
    const zipped = await new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
      const req = request(`${live.url}/board/board.js`, { headers: { "accept-encoding": "gzip" } }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      });
      req.on("error", reject);
      req.end();
    });
    expect(zipped.status).toBe(200);
    expect(zipped.headers["content-encoding"]).toBe("gzip");
    expect(zipped.headers["content-type"]).toMatch(/javascript/);
    const js = gunzipSync(zipped.body).toString("utf8");
    expect(js).toContain("HocuspocusProvider");
    expect(js).not.toContain("innerHTML");
    const again = await fetch(`${live.url}/board/board.js`, { headers: { "if-none-match": String(zipped.headers.etag) } });
    expect(again.status).toBe(304);
    const css = await fetch(`${live.url}/board/board.css`);
    expect(css.headers.get("content-type")).toMatch(/text\/css/);
  });

  it.each([
    {
      name: "live over the embedded workspace, with its token",
      server: () => live,
      want: { mode: "live", workspaceKind: "local", editableFields: ["Description", "Criteria", "Owner", "Priority"], templates: ["ai-service", "service-health"], services: ["mlx", "ollama"] },
      socket: (): BoardConfig["workspace"] => ({ url: opened.server!.url, token: TOKEN }),
    },
    { name: "read-only for AppFlowy, without a socket or edits", server: () => readOnly, want: { mode: "snapshot", workspaceKind: "appflowy", editableFields: [], templates: [] }, socket: (): BoardConfig["workspace"] => undefined },
    { name: "a workspace bound to every interface is reached at the board's host", server: () => bare, want: { mode: "live" }, socket: (): BoardConfig["workspace"] => ({ url: "ws://127.0.0.1:4555", token: TOKEN }) },
  ])("GET /board/api/config says how to get the data: $name", async ({ server, want, socket }) => {
    const res = await fetch(`${server().url}/board/api/config`);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const body = (await res.json()) as BoardConfig;
    expect(body).toMatchObject(want);
    expect(body.workspace).toEqual(socket());
  });

  it("GET /board/api/snapshot returns the rows and pages, with safe row links only", async () => {
    const res = await fetch(`${readOnly.url}/board/api/snapshot`);
    const snap = (await res.json()) as BoardSnapshot;
    expect(snap.problems).toEqual([]);
    expect(snap.requirements).toHaveLength(1);
    expect(snap.requirements[0]).toMatchObject({ key: "FR-001", cells: { Title: "Router overhead", Status: "Verified" }, url: "https://appflowy.example.test/Requirements/FR-001" });
    expect(snap.services[0]).toMatchObject({ key: "mlx", cells: { Status: "up", "Latency ms": 12 } });
    expect(snap.services[0]).not.toHaveProperty("url");
    expect(snap.incidents.map((r) => r.key)).toEqual(["INC-1"]);
    expect(snap.pages).toEqual([expect.objectContaining({ key: "report-1", title: "Report", markdown: "# Report" })]);
  });

  it("GET /board/api/snapshot reports a database it cannot read instead of failing", async () => {
    const broken: Workspace = Object.assign(Object.create(opened.workspace) as Workspace, {
      readRows: async (db: string) => {
        if (db === "Incidents") throw new Error("Incidents: no such database in the workspace");
        return opened.workspace.readRows(db);
      },
    });
    const server = await startHttpServer({
      host: "127.0.0.1",
      port: 0,
      handlers: [createBoard({ config: CONFIG, logger: silentLogger(), now: Date.now, store, workspace: broken }).handler],
      logger: silentLogger(),
    });
    try {
      const snap = (await (await fetch(`${server.url}/board/api/snapshot`)).json()) as BoardSnapshot;
      expect(snap.problems).toEqual([{ database: "Incidents", message: "Incidents: no such database in the workspace" }]);
      expect(snap.incidents).toEqual([]);
      expect(snap.requirements).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it("GET /board/api/series buckets the last 24 h per configured service", async () => {
    const res = await fetch(`${live.url}/board/api/series?hours=24`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as SeriesResponse;
    expect(body.bucketMs).toBe(15 * 60_000);
    expect(body.services.map((s) => s.service)).toEqual(["mlx", "ollama"]);
    const mlx = body.services[0]!;
    expect(mlx.buckets).toHaveLength(96);
    expect(mlx.checks).toBe(60);
    expect(mlx.availability).toBeCloseTo(0.9);
    expect(body.services[1]).toMatchObject({ service: "ollama", checks: 0, availability: null });
  });

  it.each([
    { name: "hours is not a number", query: "hours=abc", field: "hours" },
    { name: "hours beyond a week", query: "hours=500", field: "hours" },
    { name: "a fractional hour", query: "hours=1.5", field: "hours" },
    { name: "too many buckets", query: "buckets=5000", field: "buckets" },
  ])("GET /board/api/series answers 400 naming the field when $name", async ({ query, field }) => {
    const res = await fetch(`${live.url}/board/api/series?${query}`);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { message: string; field: string } };
    expect(body.error.field).toBe(field);
    expect(body.error.message).toMatch(new RegExp(`^${field}: `));
  });

  it.each([
    { name: "a lower-case id", body: { id: "fr-6", title: "t", template: "ai-service", service: "mlx" }, field: "id" },
    { name: "an empty title", body: { id: "FR-006", title: "  ", template: "ai-service", service: "mlx" }, field: "title" },
    { name: "an unknown template", body: { id: "FR-006", title: "t", template: "nope", service: "mlx" }, field: "template" },
    { name: "an unknown service", body: { id: "FR-006", title: "t", template: "ai-service", service: "whisper" }, field: "service" },
    { name: "a missing field", body: { id: "FR-006", title: "t", template: "ai-service" }, field: "service" },
    { name: "an id that is already a requirement", body: { id: "FR-001", title: "t", template: "ai-service", service: "mlx" }, field: "id", status: 409 },
  ])("POST /board/api/requirements refuses $name, naming the field", async ({ body, field, status }) => {
    const res = await post(live, body);
    expect(res.status).toBe(status ?? 400);
    const err = (await res.json()) as { error: { message: string; field: string } };
    expect(err.error.field).toBe(field);
    expect(err.error.message).toContain(field);
    expect(added).toEqual([]);
  });

  it.each([
    { name: "a body that is not JSON", body: "{id:", headers: { "content-type": "application/json" }, status: 400, message: /not valid JSON/ },
    { name: "a form post", body: "id=FR-006", headers: { "content-type": "application/x-www-form-urlencoded" }, status: 415, message: /must be JSON/ },
    { name: "a body over 16 KiB", body: JSON.stringify({ title: "x".repeat(20_000) }), headers: { "content-type": "application/json" }, status: 413, message: /larger than/ },
  ])("POST /board/api/requirements answers $status to $name", async ({ body, headers, status, message }) => {
    const res = await post(live, body, headers);
    expect(res.status).toBe(status);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(message);
  });

  it("POST /board/api/requirements adds through the catalog function with trimmed input", async () => {
    const res = await post(live, { id: " FR-006 ", title: " Whisper is fast ", template: "service-health", service: "ollama" });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ id: "FR-006" });
    expect(added).toEqual([{ id: "FR-006", title: "Whisper is fast", template: "service-health", service: "ollama" }]);
    added.length = 0;
  });

  it.each([
    { name: "a usage error from the catalog is a 400", error: new TrackerError("USAGE", "--title: must not be empty", { exitCode: 2 }), status: 400 },
    { name: "anything else is a 500 that names the requirement", error: new Error("disk full"), status: 500 },
  ])("POST /board/api/requirements: $name", async ({ error, status }) => {
    failNext = error;
    const res = await post(live, { id: "FR-007", title: "t", template: "ai-service", service: "mlx" });
    expect(res.status).toBe(status);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain(error.message);
  });

  it("POST /board/api/requirements answers 501 when the tracker cannot add requirements", async () => {
    const res = await post(readOnly, { id: "FR-006", title: "t", template: "ai-service", service: "mlx" });
    expect(res.status).toBe(501);
  });

  it.each([
    { name: "GET on the add endpoint", method: "GET", path: "/board/api/requirements", status: 405 },
    { name: "POST on the page", method: "POST", path: "/", status: 405 },
    { name: "an unknown board endpoint", method: "GET", path: "/board/api/nope", status: 404 },
  ])("answers $status to $name", async ({ method, path, status }) => {
    const res = await fetch(`${live.url}${path}`, { method });
    expect(res.status).toBe(status);
  });

  it("leaves paths outside / and /board/ to other handlers", async () => {
    const board = createBoard({ config: CONFIG, logger: silentLogger(), now: Date.now, store, workspace: opened.workspace });
    const handled = await board.handler({ method: "GET", headers: {} } as never, {} as never, new URL("http://x/v1/models"));
    expect(handled).toBe(false);
  });

  it.each([
    { path: "/", open: true },
    { path: "/board/board.js", open: true },
    { path: "/board/board.css", open: true },
    { path: "/board/api/config", open: false },
    { path: "/board/api/snapshot", open: false },
    { path: "/v1/models", open: false },
  ])("isPublic($path) is $open: only the data-free shell may skip the bearer key", ({ path, open }) => {
    const board = createBoard({ config: CONFIG, logger: silentLogger(), now: Date.now, store, workspace: opened.workspace });
    expect(board.isPublic(new URL(`http://x${path}`))).toBe(open);
  });

  it("warm() builds the bundle ahead of the first visit and logs its size", async () => {
    const logs = captureLogs("info");
    const board = createBoard({ config: CONFIG, logger: logs.logger, now: Date.now, store, workspace: opened.workspace });
    await board.warm();
    const entry = logs.entries.find((e) => e.msg === "board bundle built");
    expect(entry).toMatchObject({ module: "board" });
    expect(entry!.bytes).toBeGreaterThan(10_000);
    expect(entry!.gzipBytes).toBeLessThan(entry!.bytes as number);
  });

  it("the API behind a bearer key answers only with the key", async () => {
    expect((await fetch(`${keyed.url}/board/api/config`)).status).toBe(401);
    const res = await fetch(`${keyed.url}/board/api/config`, { headers: { authorization: `Bearer ${KEY}` } });
    expect(res.status).toBe(200);
  });

  it("GET /board/api/events sends a snapshot at once and again when a database changes", async () => {
    const abort = new AbortController();
    const res = await fetch(`${readOnly.url}/board/api/events`, { signal: abort.signal });
    expect(res.headers.get("content-type")).toMatch(/text\/event-stream/);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    const nextSnapshot = async (): Promise<BoardSnapshot> => {
      for (;;) {
        const i = text.indexOf("\n\n", text.indexOf("event: snapshot"));
        if (text.includes("event: snapshot") && i >= 0) {
          const block = text.slice(text.indexOf("event: snapshot"), i);
          text = text.slice(i + 2);
          return JSON.parse(block.split("\ndata: ")[1]!) as BoardSnapshot;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error("the stream ended");
        text += value;
      }
    };
    try {
      const first = await nextSnapshot();
      expect(first.services.find((s) => s.key === "mlx")?.cells.Status).toBe("up");
      await opened.workspace.upsertRow("Services", "mlx", { set: { Status: "down" } });
      const second = await nextSnapshot();
      expect(second.services.find((s) => s.key === "mlx")?.cells.Status).toBe("down");
    } finally {
      abort.abort();
      await opened.workspace.upsertRow("Services", "mlx", { set: { Status: "up" } });
    }
  });
});
