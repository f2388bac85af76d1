import { afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/shared/logger.ts";
import { createWorkspace } from "../../src/workspace/create-workspace.ts";
import { MemoryRecordWriter } from "../../src/workspace/memory-record-writer.ts";
import type { Workspace } from "../../src/workspace/workspace.ts";
import { tempDir } from "../helpers/temp-dir.ts";
import { TEST_DB } from "./contract-db.ts";

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => cleanup?.());

async function setup(): Promise<{ ws: Workspace; writer: MemoryRecordWriter }> {
  const dir = tempDir();
  const { workspace } = await createWorkspace({ config: { kind: "local", host: "127.0.0.1", port: 0 }, dataDir: dir.path, mode: "serve", logger: silentLogger() });
  await workspace.ensureDatabase(TEST_DB);
  cleanup = async () => {
    await workspace.close();
    dir.remove();
  };
  return { ws: workspace, writer: new MemoryRecordWriter(workspace, silentLogger()) };
}

describe("MemoryRecordWriter", () => {
  it("upsert() merges queued writes to one row: later set cells win, the first seed wins", async () => {
    const { ws, writer } = await setup();
    writer.upsert(TEST_DB.name, "R-1", { seed: { Owner: "ann" }, set: { Status: "Failing", "Latency ms": 1 } });
    writer.upsert(TEST_DB.name, "R-1", { seed: { Owner: "bob" }, set: { Status: "Verified" } });
    await writer.flush();
    expect((await ws.readRows(TEST_DB.name))[0]!.cells).toMatchObject({ Owner: "ann", Status: "Verified", "Latency ms": 1 });
  });

  it("an upsert after a queued delete leaves the row written afresh, seed included", async () => {
    const { ws, writer } = await setup();
    await ws.upsertRow(TEST_DB.name, "R-1", { seed: { Owner: "old" }, set: { Status: "Failing", "Latency ms": 9 } });
    writer.delete(TEST_DB.name, "R-1");
    writer.upsert(TEST_DB.name, "R-1", { seed: { Owner: "new" }, set: { Status: "Verified" } });
    await writer.flush();
    const rows = await ws.readRows(TEST_DB.name);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.cells).toMatchObject({ Owner: "new", Status: "Verified" });
    expect(rows[0]!.cells["Latency ms"]).toBeUndefined();
  });

  it("a delete cancels a queued upsert of the row", async () => {
    const { ws, writer } = await setup();
    writer.upsert(TEST_DB.name, "R-2", { set: { Status: "Verified" } });
    writer.delete(TEST_DB.name, "R-2");
    await writer.flush();
    expect(await ws.readRows(TEST_DB.name)).toEqual([]);
  });
});
