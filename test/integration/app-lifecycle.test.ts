import * as Y from "yjs";
import { createServer } from "node:net";
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { createApp, STORE_FILE, type App } from "../../src/app.ts";
import { silentLogger } from "../../src/shared/logger.ts";
import { DATABASES, REQUIREMENTS } from "../../src/workspace/databases.ts";
import { WORKSPACE_FILE } from "../../src/workspace/create-workspace.ts";
import { databaseDocName } from "../../src/workspace/local/yjs-layout.ts";
import { tempDir } from "../helpers/temp-dir.ts";
import { testConfig } from "../helpers/test-config.ts";
import { personDoc } from "../helpers/person-doc.ts";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function dataDir(): string {
  const d = tempDir();
  cleanups.push(d.remove);
  return d.path;
}

async function started(dir: string, extraYaml = ""): Promise<App> {
  const app = createApp(testConfig(dir, extraYaml), { logger: silentLogger() });
  await app.start();
  cleanups.push(() => app.stop());
  return app;
}

describe("createApp() on a fresh data folder", () => {
  it("creates the six databases and the five reference requirements, Unverified", async () => {
    const app = await started(dataDir());
    const dbs = await app.deps.workspace.listDatabases();
    expect(dbs.map((d) => d.name)).toEqual(DATABASES.map((d) => d.name));
    const rows = await app.deps.workspace.readRows(REQUIREMENTS.name);
    expect(rows.map((r) => r.key)).toEqual(["FR-001", "FR-002", "FR-003", "FR-004", "FR-005"]);
    for (const r of rows) {
      expect(r.cells).toMatchObject({ Status: "Unverified" });
      for (const f of ["ID", "Title", "Description", "Services", "Criteria", "Owner", "Priority"]) expect(r.cells).toHaveProperty(f);
    }
    const pages = await app.deps.workspace.readPages();
    expect(pages.map((p) => p.key).sort()).toEqual(["requirement-FR-001", "requirement-FR-002", "requirement-FR-003", "requirement-FR-004", "requirement-FR-005"]);
  });

  it("answers /healthz", async () => {
    const app = await started(dataDir());
    const res = await fetch(`${app.httpUrl}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok", workspace: "local" });
  });
});

describe("restart", () => {
  it("finds the workspace as it left it, with nothing duplicated and team edits kept", async () => {
    const dir = dataDir();
    const first = await started(dir);
    const person = await personDoc(first.workspaceUrl!, databaseDocName(REQUIREMENTS.name));
    person.doc.transact(() => {
      for (const row of person.doc.getMap<Y.Map<unknown>>("rows").values()) {
        const cells = row.get("cells") as Y.Map<unknown>;
        if (cells.get("ID") === "FR-002") {
          cells.set("Owner", "ana@team");
          cells.set("Criteria", "model.loaded(mlx, \"Llama-3.2-3B-Instruct-4bit\")\nmodel.load_time(mlx) < 3s");
        }
      }
    });
    await person.flush();
    person.close();
    await first.stop();

    const second = await started(dir);
    const dbs = await second.deps.workspace.listDatabases();
    expect(dbs.map((d) => [d.name, d.name === "Requirements" ? d.rows : 0])).toEqual(DATABASES.map((d) => [d.name, d.name === "Requirements" ? 5 : 0]));
    const fr2 = (await second.deps.workspace.readRows(REQUIREMENTS.name)).find((r) => r.key === "FR-002")!;
    expect(fr2.cells.Owner).toBe("ana@team");
    expect(fr2.cells.Criteria).toContain("< 3s");
    expect((await second.deps.workspace.readPages()).length).toBe(5);
  });
});

describe("concurrent edits", () => {
  it("a person's edit to a team field and the tracker's writes to tracker fields both survive", async () => {
    const dir = dataDir();
    const app = await started(dir);
    const person = await personDoc(app.workspaceUrl!, databaseDocName(REQUIREMENTS.name));
    const cellsOf = (id: string) => {
      for (const row of person.doc.getMap<Y.Map<unknown>>("rows").values()) {
        const cells = row.get("cells") as Y.Map<unknown>;
        if (cells.get("ID") === id) return cells;
      }
      throw new Error(`no row ${id}`);
    };
    // Interleave: the person types into Owner and Criteria while the tracker writes Status and Evidence.
    const writes: Promise<void>[] = [];
    for (let i = 0; i < 20; i++) {
      person.doc.transact(() => {
        cellsOf("FR-001").set("Owner", `owner-${i}`);
        cellsOf("FR-001").set("Criteria", `router.overhead.p95 < ${i + 1}ms over 1h`);
      });
      writes.push(app.deps.workspace.upsertRow(REQUIREMENTS.name, "FR-001", { set: { Status: i % 2 ? "Verified" : "Failing", Evidence: `evaluation ${i}` } }));
    }
    await Promise.all(writes);
    await person.flush();
    person.close();
    await expect.poll(async () => (await app.deps.workspace.readRows(REQUIREMENTS.name)).find((r) => r.key === "FR-001")!.cells).toMatchObject({
      Owner: "owner-19",
      Criteria: "router.overhead.p95 < 20ms over 1h",
      Status: "Verified",
      Evidence: "evaluation 19",
    });
    await app.stop();
    const again = await started(dir);
    expect((await again.deps.workspace.readRows(REQUIREMENTS.name)).find((r) => r.key === "FR-001")!.cells).toMatchObject({
      Owner: "owner-19",
      Status: "Verified",
    });
  });
});

describe("bad input leaves the data folder as it was", () => {
  async function holdPort(): Promise<number> {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
    return (server.address() as { port: number }).port;
  }

  it("a workspace port already taken ends with PORT_IN_USE and the lock released", async () => {
    const dir = dataDir();
    const port = await holdPort();
    const app = createApp({ ...testConfig(dir), workspace: { kind: "local", host: "127.0.0.1", port } }, { logger: silentLogger() });
    await expect(app.start()).rejects.toMatchObject({ code: "PORT_IN_USE", exitCode: 2 });
    // The data folder is free again: a normal start works.
    await started(dir);
  });

  it("a corrupt local store ends with STORE_CORRUPT and the file untouched", async () => {
    const dir = dataDir();
    mkdirSync(dir, { recursive: true });
    const garbage = Buffer.from("this is not a sqlite database, but somebody's precious notes\n".repeat(200));
    writeFileSync(join(dir, STORE_FILE), garbage);
    const app = createApp(testConfig(dir), { logger: silentLogger() });
    await expect(app.start()).rejects.toMatchObject({ code: "STORE_CORRUPT" });
    expect(readFileSync(join(dir, STORE_FILE)).equals(garbage)).toBe(true);
  });

  it("a corrupt workspace file ends with STORE_CORRUPT and the file untouched", async () => {
    const dir = dataDir();
    mkdirSync(dir, { recursive: true });
    const garbage = Buffer.from("PK\u0003\u0004 not sqlite".repeat(300));
    writeFileSync(join(dir, WORKSPACE_FILE), garbage);
    const app = createApp(testConfig(dir), { logger: silentLogger() });
    await expect(app.start()).rejects.toMatchObject({ code: "STORE_CORRUPT" });
    expect(readFileSync(join(dir, WORKSPACE_FILE)).equals(garbage)).toBe(true);
  });

  it("a store another process holds locked ends with STORE_LOCKED", async () => {
    const dir = dataDir();
    const first = await started(dir);
    await first.stop();
    const holder = new Database(join(dir, STORE_FILE));
    cleanups.push(() => void holder.close());
    holder.pragma("locking_mode = EXCLUSIVE");
    holder.exec("BEGIN EXCLUSIVE");
    const app = createApp(testConfig(dir), { logger: silentLogger() });
    await expect(app.start()).rejects.toMatchObject({ code: "STORE_LOCKED" });
    holder.exec("COMMIT");
  });

  it("a second tracker on the same data folder is refused while the first runs", async () => {
    const dir = dataDir();
    await started(dir);
    const second = createApp(testConfig(dir), { logger: silentLogger() });
    await expect(second.start()).rejects.toMatchObject({ code: "STORE_LOCKED", message: expect.stringContaining(`pid ${process.pid}`) });
  });
});

describe("the HTTP server of a started tracker", () => {
  it("serves Prometheus metrics from the monitor and the router", async () => {
    const dir = dataDir();
    const app = await started(dir, "services:\n  - name: ollama\n    kind: ollama\n    url: http://127.0.0.1:9\n");
    const res = await fetch(`${app.httpUrl}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain("ai_tracker_router_backend_in_flight{backend=\"ollama\"} 0");
    expect(text).toMatch(/ai_tracker_router_backend_breaker\{backend="ollama",phase="closed"\} 1/);
    expect(text).toContain("ai_tracker_process_resident_memory_bytes");
  });

  it("serves the board at / and the router at /v1/models", async () => {
    const app = await started(dataDir());
    const board = await fetch(`${app.httpUrl}/`);
    expect(board.status).toBe(200);
    expect(board.headers.get("content-type")).toContain("text/html");
    const models = await fetch(`${app.httpUrl}/v1/models`);
    expect(models.status).toBe(200);
    expect(await models.json()).toMatchObject({ object: "list" });
  });
});
