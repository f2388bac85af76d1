import { silentLogger } from "../../src/shared/logger.ts";
import { createWorkspace } from "../../src/workspace/create-workspace.ts";
import { appflowyConfig } from "../helpers/fake-appflowy/connect.ts";
import { startFakeAppFlowy } from "../helpers/fake-appflowy/index.ts";
import { tempDir } from "../helpers/temp-dir.ts";
import { workspaceContract, type ContractHarness } from "./workspace-contract.ts";

async function makeAppFlowy(): Promise<ContractHarness> {
  const fake = await startFakeAppFlowy();
  const dir = tempDir();
  const open = async () => (await createWorkspace({ config: appflowyConfig(fake), dataDir: dir.path, mode: "serve", logger: silentLogger() })).workspace;
  let workspace = await open();
  return {
    get workspace() {
      return workspace;
    },
    editAsPerson: async (database, key, field, value) => fake.editCellAsPerson(database, "ID", key, field, value),
    addRowAsPerson: async (database, cells) => {
      fake.addRowAsPerson(database, cells);
    },
    reopen: async () => {
      await workspace.close();
      workspace = await open();
      return workspace;
    },
    teardown: async () => {
      await workspace.close();
      await fake.stop();
      dir.remove();
    },
  } satisfies ContractHarness;
}

workspaceContract("appflowy (against the AppFlowy Cloud double)", makeAppFlowy);
