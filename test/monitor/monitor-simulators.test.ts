import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inventoryConfig } from "../../scripts/bench/monitor-inventory.ts";
import { startInventory, type Inventory } from "../../scripts/simulators/run-inventory.ts";
import { isFailure } from "../../src/probes/probe-kind.ts";
import { loadReferenceRequirements } from "../../src/requirements/catalog.ts";
import { syncRequirements } from "../../src/requirements/sync-requirements.ts";
import { incidentRows, monitorHarness, type Harness } from "./helpers/monitor-harness.ts";

async function setMode(inventory: Inventory, service: string, mode: string): Promise<void> {
  const res = await fetch(`${inventory.controlUrl}/services/${service}/mode`, { method: "POST", body: JSON.stringify({ mode }) });
  expect(res.status).toBe(200);
}

describe("the monitor against the simulated reference inventory", () => {
  let inventory: Inventory;
  let h: Harness;
  beforeAll(async () => {
    inventory = await startInventory({ ports: "ephemeral", tokenDelayMs: 1 });
  });
  afterAll(async () => {
    await h?.teardown();
    await inventory?.close();
  });

  it("fills the Services grid, opens an incident when a simulator goes down and resolves it when it is back", async () => {
    const raw = inventoryConfig(inventory, { dataDir: "(replaced)", interval: "5s", openAfter: 2, resolveAfter: 2, processMatch: "vitest" });
    delete raw.dataDir;
    delete raw.workspace;
    h = await monitorHarness(raw, { runProbe: undefined });
    syncRequirements(loadReferenceRequirements(), h.records, h.logs.logger);
    await h.monitor.probeOnce();
    await h.monitor.settled();
    const rows = await h.workspace.readRows("Services");
    const names = h.config.services.map((s) => s.name);
    expect(rows.map((r) => r.key).sort()).toEqual([...names].sort());
    const failing = h.live.all().filter((s) => isFailure(s.result.status)).map((s) => `${s.service.name}: ${s.result.detail}`);
    expect(failing).toEqual([]);

    await setMode(inventory, "ollama", "down");
    for (let i = 0; i < 2; i++) {
      h.clock.advance(5000);
      await h.monitor.probeOnce();
    }
    await h.monitor.settled();
    const opened = incidentRows(h.store).filter((r) => r.service === "ollama");
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatchObject({ kind: "down", status: "open" });
    expect(JSON.parse(opened[0]!.requirements)).toContain("FR-001");

    await setMode(inventory, "ollama", "up");
    for (let i = 0; i < 2; i++) {
      h.clock.advance(5000);
      await h.monitor.probeOnce();
    }
    await h.monitor.settled();
    expect(incidentRows(h.store).filter((r) => r.service === "ollama")[0]!.status).toBe("resolved");
  });
});
