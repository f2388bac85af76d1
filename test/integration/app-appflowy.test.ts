import { afterEach, describe, expect, it } from "vitest";
import { createApp, type App } from "../../src/app.ts";
import { createLogger, silentLogger } from "../../src/shared/logger.ts";
import { DATABASES } from "../../src/workspace/databases.ts";
import { appflowyConfig } from "../helpers/fake-appflowy/connect.ts";
import { startFakeAppFlowy, type FakeAppFlowy } from "../helpers/fake-appflowy/fake-appflowy.ts";
import { tempDir } from "../helpers/temp-dir.ts";
import { testConfig } from "../helpers/test-config.ts";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(): Promise<{ fake: FakeAppFlowy; app: App }> {
  const dir = tempDir();
  cleanups.push(dir.remove);
  const fake = await startFakeAppFlowy();
  cleanups.push(() => fake.stop());
  const app = createApp({ ...testConfig(dir.path), workspace: appflowyConfig(fake) }, { logger: process.env.DEBUG_APP ? createLogger({ level: "debug" }) : silentLogger() });
  cleanups.push(() => app.stop());
  return { fake, app };
}

describe("createApp() with an AppFlowy workspace", () => {
  it("creates the six grids and the reference requirements in the team's AppFlowy", async () => {
    const { fake, app } = await setup();
    await app.start();
    for (const spec of DATABASES) expect(fake.databaseIdOf(spec.name)).toMatch(/^[0-9a-f-]{36}$/);
    await expect.poll(() => fake.gridRows("Requirements").map((r) => r.preHash).filter(Boolean).sort(), { timeout: 15_000 }).toEqual(["FR-001", "FR-002", "FR-003", "FR-004", "FR-005"]);
  });

  it("starts while AppFlowy is down, and the records land once it is back", { timeout: 90_000 }, async () => {
    const { fake, app } = await setup();
    fake.setFault({ mode: "down" });
    await app.start();
    expect((await fetch(`${app.httpUrl}/healthz`)).status).toBe(200);
    fake.clearFault();
    await expect.poll(() => fake.gridRows("Requirements").map((r) => r.preHash).filter(Boolean).sort(), { timeout: 60_000, interval: 250 }).toEqual([
      "FR-001",
      "FR-002",
      "FR-003",
      "FR-004",
      "FR-005",
    ]);
  });
});

describe("the board with AppFlowy configured", () => {
  it("serves the same data read-only, each requirement linked to its row in AppFlowy", async () => {
    const { fake, app } = await setup();
    await app.start();
    await expect.poll(() => fake.gridRows("Requirements").length, { timeout: 15_000 }).toBeGreaterThanOrEqual(5);
    const res = await fetch(`${app.httpUrl}/board/api/snapshot`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain("FR-001");
    const rowId = fake.gridRows("Requirements").find((r) => r.preHash === "FR-001")!.id;
    expect(text).toContain(`${fake.url}/app/${fake.workspaceId}/`);
    expect(text).toContain(`?r=${rowId}`);
  });
});
