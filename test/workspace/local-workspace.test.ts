import * as Y from "yjs";
import { silentLogger } from "../../src/shared/logger.ts";
import { createWorkspace } from "../../src/workspace/create-workspace.ts";
import { databaseDocName } from "../../src/workspace/local/yjs-layout.ts";
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
