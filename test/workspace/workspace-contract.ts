import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DatabaseSpec, Workspace } from "../../src/workspace/workspace.ts";
import { TEST_DB } from "./contract-db.ts";

export { TEST_DB };
import { WorkspaceWriteError } from "../../src/workspace/workspace-error.ts";

/** What a contract run needs from an adapter: a fresh workspace, and a second writer standing for a person. */
export interface ContractHarness {
  workspace: Workspace;
  /** Edits a cell the way a team member would (another Yjs client, the AppFlowy UI), bypassing the adapter. */
  editAsPerson(database: string, key: string, field: string, value: string): Promise<void>;
  /** Adds a row the way a person would, with no stable key of the tracker's. */
  addRowAsPerson(database: string, cells: Record<string, string>): Promise<void>;
  /** Closes and reopens the adapter over the same storage; returns the new workspace. */
  reopen(): Promise<Workspace>;
  teardown(): Promise<void>;
}

/** The workspace contract: every adapter runs these (Gatus store_test.go style). */
export function workspaceContract(name: string, makeHarness: () => Promise<ContractHarness>): void {
  describe(`Workspace contract: ${name}`, () => {
    let h: ContractHarness;
    let ws: Workspace;

    beforeEach(async () => {
      h = await makeHarness();
      ws = h.workspace;
      await ws.ensureDatabase(TEST_DB);
    });
    afterEach(async () => {
      await h.teardown();
    });

    it("ensureDatabase() twice creates one database", async () => {
      await ws.ensureDatabase(TEST_DB);
      const dbs = (await ws.listDatabases()).filter((d) => d.name === TEST_DB.name);
      expect(dbs).toHaveLength(1);
    });

    it("upsertRow() creates a row with seed and set cells, read back unchanged", async () => {
      await ws.upsertRow(TEST_DB.name, "R-1", { seed: { Title: "first", Owner: "ann" }, set: { Status: "Unverified", "Latency ms": 12.5, Checked: "2026-11-25T10:00:00.000Z" } });
      const rows = await ws.readRows(TEST_DB.name);
      expect(rows).toHaveLength(1);
      expect(rows[0]!.key).toBe("R-1");
      expect(rows[0]!.cells).toMatchObject({ ID: "R-1", Title: "first", Owner: "ann", Status: "Unverified", "Latency ms": 12.5 });
      expect(Date.parse(String(rows[0]!.cells.Checked))).toBe(Date.parse("2026-11-25T10:00:00.000Z"));
    });

    it("upsertRow() on an existing key updates in place and never re-seeds team fields", async () => {
      await ws.upsertRow(TEST_DB.name, "R-1", { seed: { Owner: "ann" }, set: { Status: "Unverified" } });
      await ws.upsertRow(TEST_DB.name, "R-1", { seed: { Owner: "template-owner" }, set: { Status: "Verified" } });
      const rows = await ws.readRows(TEST_DB.name);
      expect(rows).toHaveLength(1);
      expect(rows[0]!.cells).toMatchObject({ Owner: "ann", Status: "Verified" });
    });

    it("upsertRow() rejects a team-owned field in set, naming the database and field", async () => {
      await expect(ws.upsertRow(TEST_DB.name, "R-1", { set: { Owner: "bot" } })).rejects.toThrow(/Contract\.Owner/);
    });

    it("upsertRow() rejects an unknown field and a wrong type instead of dropping them", async () => {
      await expect(ws.upsertRow(TEST_DB.name, "R-1", { set: { Nope: "x" } })).rejects.toBeInstanceOf(WorkspaceWriteError);
      await expect(ws.upsertRow(TEST_DB.name, "R-1", { set: { "Latency ms": "fast" } })).rejects.toThrow(/Latency ms/);
      await expect(ws.upsertRow(TEST_DB.name, "R-1", { set: { Status: "Great" } })).rejects.toThrow(/not one of/);
      expect(await ws.readRows(TEST_DB.name)).toHaveLength(0);
    });

    it("a person's edit to a team field survives the tracker's later writes", async () => {
      await ws.upsertRow(TEST_DB.name, "R-1", { seed: { Owner: "ann" }, set: { Status: "Unverified" } });
      await h.editAsPerson(TEST_DB.name, "R-1", "Owner", "bob");
      await ws.upsertRow(TEST_DB.name, "R-1", { seed: { Owner: "ann" }, set: { Status: "Failing" } });
      await expect.poll(async () => (await ws.readRows(TEST_DB.name))[0]?.cells).toMatchObject({ Owner: "bob", Status: "Failing" });
    });

    it("readRows() includes a row a person added, keyed by its key field, and upsertRow() updates it", async () => {
      await h.addRowAsPerson(TEST_DB.name, { ID: "R-9", Title: "added by hand" });
      await expect.poll(async () => (await ws.readRows(TEST_DB.name)).map((r) => r.key)).toContain("R-9");
      await ws.upsertRow(TEST_DB.name, "R-9", { set: { Status: "Verified" } });
      const rows = await ws.readRows(TEST_DB.name);
      expect(rows.filter((r) => r.key === "R-9")).toHaveLength(1);
      expect(rows.find((r) => r.key === "R-9")!.cells).toMatchObject({ Title: "added by hand", Status: "Verified" });
    });

    it("deleteRow() removes the row, and deleting a missing key is no error", async () => {
      await ws.upsertRow(TEST_DB.name, "R-1", { set: { Status: "Verified" } });
      await ws.upsertRow(TEST_DB.name, "R-2", { set: { Status: "Failing" } });
      await ws.deleteRow(TEST_DB.name, "R-1");
      await ws.deleteRow(TEST_DB.name, "R-404");
      expect((await ws.readRows(TEST_DB.name)).map((r) => r.key)).toEqual(["R-2"]);
      await ws.upsertRow(TEST_DB.name, "R-1", { set: { Status: "Unverified" } });
      expect((await ws.readRows(TEST_DB.name)).map((r) => r.key).sort()).toEqual(["R-1", "R-2"]);
    });

    it("writePage() with the same key replaces the page", async () => {
      await ws.writePage({ key: "report-1", title: "Report", markdown: "# one" });
      await ws.writePage({ key: "report-1", title: "Report", markdown: "# two" });
      const pages = (await ws.readPages()).filter((p) => p.key === "report-1");
      expect(pages).toHaveLength(1);
      expect(pages[0]!.markdown).toContain("two");
    });

    it("data survives a reopen, with nothing duplicated", async () => {
      await ws.upsertRow(TEST_DB.name, "R-1", { seed: { Owner: "ann" }, set: { Status: "Verified" } });
      await ws.writePage({ key: "p", title: "P", markdown: "body" });
      ws = await h.reopen();
      await ws.ensureDatabase(TEST_DB);
      await ws.upsertRow(TEST_DB.name, "R-1", { seed: { Owner: "zed" }, set: { Status: "Verified" } });
      expect((await ws.listDatabases()).filter((d) => d.name === TEST_DB.name)).toEqual([{ name: TEST_DB.name, rows: 1 }]);
      expect((await ws.readRows(TEST_DB.name))[0]!.cells.Owner).toBe("ann");
      expect((await ws.readPages()).map((p) => p.key)).toEqual(["p"]);
    });

    it("ensureDatabase() refuses a field whose type a person changed", async () => {
      const retyped: DatabaseSpec = { ...TEST_DB, fields: TEST_DB.fields.map((f) => (f.name === "Latency ms" ? { ...f, type: "text" } : f)) };
      await expect(ws.ensureDatabase(retyped)).rejects.toThrow(/Latency ms/);
    });
  });
}
