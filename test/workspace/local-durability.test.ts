import { spawn } from "node:child_process";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/shared/logger.ts";
import { createWorkspace } from "../../src/workspace/create-workspace.ts";
import { tempDir } from "../helpers/temp-dir.ts";
import { TEST_DB } from "./contract-db.ts";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

describe("embedded workspace durability", () => {
  it("every write acknowledged before a kill -9 is there after restart", async () => {
    const dir = tempDir();
    cleanups.push(dir.remove);
    const script = join(import.meta.dirname, "../fixtures/scripts/write-then-hang.ts");
    const child = spawn(process.execPath, ["--import", "tsx", script, dir.path, "60"], { stdio: ["ignore", "pipe", "inherit"] });
    cleanups.push(() => child.kill("SIGKILL"));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (d) => String(d).includes("written") && resolve());
      child.on("exit", (code) => reject(new Error(`writer exited early (${code})`)));
    });
    child.kill("SIGKILL");
    await new Promise((r) => child.on("exit", r));

    const { workspace } = await createWorkspace({ config: { kind: "local", host: "127.0.0.1", port: 0 }, dataDir: dir.path, mode: "serve", logger: silentLogger() });
    try {
      const rows = await workspace.readRows(TEST_DB.name);
      expect(rows).toHaveLength(60);
      expect(rows.find((r) => r.key === "R-59")!.cells["Latency ms"]).toBe(59);
    } finally {
      await workspace.close();
    }
  });
});
