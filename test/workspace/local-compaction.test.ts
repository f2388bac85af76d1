import * as Y from "yjs";
import { afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/shared/logger.ts";
import { DocumentStore } from "../../src/workspace/local/document-store.ts";
import { EmbeddedServer } from "../../src/workspace/local/embedded-server.ts";
import { LocalWorkspace } from "../../src/workspace/local/index.ts";
import { databaseDocName } from "../../src/workspace/local/yjs-layout.ts";
import { personDoc } from "../helpers/person-doc.ts";
import { tempDir } from "../helpers/temp-dir.ts";
import { TEST_DB } from "./contract-db.ts";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(): Promise<{ server: EmbeddedServer; ws: LocalWorkspace; store: DocumentStore }> {
  const dir = tempDir();
  cleanups.push(dir.remove);
  const store = new DocumentStore(`${dir.path}/workspace.sqlite`);
  const server = await EmbeddedServer.start({ store, host: "127.0.0.1", port: 0, logger: silentLogger() });
  const ws = new LocalWorkspace({ source: server, logger: silentLogger() });
  cleanups.push(async () => {
    await ws.close();
    store.close();
  });
  await ws.ensureDatabase(TEST_DB);
  return { server, ws, store };
}

/** What a day of probes does to a grid: the same cells of a few rows overwritten again and again. */
async function churn(ws: LocalWorkspace, rounds: number): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await ws.upsertRow(TEST_DB.name, `R-${i % 5}`, { set: { "Latency ms": i, Checked: new Date(1_800_000_000_000 + i * 1000).toISOString() } });
  }
}

describe("embedded workspace compaction", () => {
  it("compactIdle() sheds the history of an idle database, keeping every row and later writes", async () => {
    const { server, ws, store } = await setup();
    await churn(ws, 3000);
    const before = store.get(databaseDocName(TEST_DB.name))!.length;
    const rowsBefore = await ws.readRows(TEST_DB.name);

    expect(await server.compactIdle(1)).toEqual([databaseDocName(TEST_DB.name)]);
    const after = store.get(databaseDocName(TEST_DB.name))!.length;
    expect(after).toBeLessThan(before / 10);
    expect((await ws.readRows(TEST_DB.name)).map((r) => r.cells)).toEqual(rowsBefore.map((r) => r.cells));

    await ws.upsertRow(TEST_DB.name, "R-1", { set: { Status: "Verified" } });
    expect((await ws.readRows(TEST_DB.name)).find((r) => r.key === "R-1")!.cells).toMatchObject({ Status: "Verified", "Latency ms": 2996 });
  });

  it("watch() keeps calling back after the document was compacted", async () => {
    const { server, ws } = await setup();
    await churn(ws, 50);
    let calls = 0;
    const stop = ws.watch(TEST_DB.name, () => calls++);
    cleanups.push(stop);
    await server.compactIdle(1);
    await ws.upsertRow(TEST_DB.name, "R-2", { set: { Status: "Failing" } });
    await expect.poll(() => calls).toBeGreaterThan(0);
  });

  it("compactIdle() leaves alone a document a client has open", async () => {
    const { server, ws } = await setup();
    await churn(ws, 200);
    const person = await personDoc(server.url, databaseDocName(TEST_DB.name));
    cleanups.push(person.close);
    expect(await server.compactIdle(1)).toEqual([]);
    // The person's edits still reach the tracker.
    person.doc.transact(() => {
      const cells = (person.doc.getMap<Y.Map<unknown>>("rows").get("R-3")!.get("cells") as Y.Map<unknown>);
      cells.set("Owner", "dana");
    });
    await person.flush();
    await expect.poll(async () => (await ws.readRows(TEST_DB.name)).find((r) => r.key === "R-3")!.cells.Owner).toBe("dana");
  });
});
