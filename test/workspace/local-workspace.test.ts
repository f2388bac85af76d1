import { describe, expect, it, vi } from "vitest";
import * as Y from "yjs";
import { silentLogger } from "../../src/shared/logger.ts";
import { createWorkspace } from "../../src/workspace/create-workspace.ts";
import { DATABASES } from "../../src/workspace/databases.ts";
import { databaseDocName, readRowsFromDoc } from "../../src/workspace/local/yjs-layout.ts";
import type { EmbeddedServer } from "../../src/workspace/local/embedded-server.ts";
import { tempDir } from "../helpers/temp-dir.ts";
import { workspaceContract, type ContractHarness } from "./workspace-contract.ts";
import { personDoc } from "../helpers/person-doc.ts";

async function makeLocal(): Promise<ContractHarness> {
  const dir = tempDir();
  const open = async () => createWorkspace({ config: { kind: "local", port: 0, host: "127.0.0.1" }, dataDir: dir.path, mode: "serve", logger: silentLogger() });
  let opened = await open();
  const server = (): EmbeddedServer => opened.server!;
  const asPerson = async (database: string, change: (doc: Y.Doc) => void) => {
    const p = await personDoc(server().url, databaseDocName(database));
    p.doc.transact(() => change(p.doc));
    await p.flush();
    p.close();
  };
  return {
    get workspace() {
      return opened.workspace;
    },
    editAsPerson: (database, key, field, value) =>
      asPerson(database, (doc) => {
        const rows = doc.getMap<Y.Map<unknown>>("rows");
        for (const row of rows.values()) {
          const cells = row.get("cells") as Y.Map<unknown>;
          if (cells.get("ID") === key) cells.set(field, value);
        }
      }),
    addRowAsPerson: (database, cells) =>
      asPerson(database, (doc) => {
        const row = new Y.Map<unknown>();
        const c = new Y.Map<unknown>();
        for (const [k, v] of Object.entries(cells)) c.set(k, v);
        row.set("cells", c);
        doc.getMap("rows").set(crypto.randomUUID(), row);
      }),
    reopen: async () => {
      await opened.workspace.close();
      opened = await open();
      return opened.workspace;
    },
    teardown: async () => {
      await opened.workspace.close();
      dir.remove();
    },
  } satisfies ContractHarness;
}

workspaceContract("local (embedded Hocuspocus + SQLite)", makeLocal);

describe("local workspace: writes as other clients see them", () => {
  it("a row written in one upsertRow() reaches a connected client as one update, never half written", async () => {
    const dir = tempDir();
    const opened = await createWorkspace({ config: { kind: "local", port: 0, host: "127.0.0.1" }, dataDir: dir.path, mode: "serve", logger: silentLogger() });
    try {
      const ws = opened.workspace;
      const services = DATABASES.find((d) => d.name === "Services")!;
      await ws.ensureDatabase(services);
      await ws.upsertRow("Services", "ollama", { set: { Name: "ollama", Status: "up", "Latency ms": 12, "Last check": "2026-11-25T10:00:00.000Z" } });
      const person = await personDoc(opened.server!.url, databaseDocName("Services"));
      try {
        // What the client can see after each update it receives.
        const seen: { status: unknown; latency: unknown }[] = [];
        person.doc.on("update", () => {
          const row = readRowsFromDoc(person.doc, services.keyField).find((r) => r.key === "ollama");
          seen.push({ status: row?.cells.Status, latency: row?.cells["Latency ms"] });
        });
        await ws.upsertRow("Services", "ollama", { set: { Status: "down", "Latency ms": null, "Last check": "2026-11-25T10:00:30.000Z" } });
        await vi.waitFor(() => expect(seen.at(-1)).toEqual({ status: "down", latency: null }), { timeout: 5000 });
        expect(seen).toEqual([{ status: "down", latency: null }]);
      } finally {
        person.close();
      }
    } finally {
      await opened.workspace.close();
      dir.remove();
    }
  });
});
