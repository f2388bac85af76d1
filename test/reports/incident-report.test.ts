import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigSchema } from "../../src/config/schema.ts";
import { buildIncidentReport } from "../../src/reports/incident-report-data.ts";
import { renderIncidentReport, writeIncidentReport } from "../../src/reports/incident-report.ts";
import { silentLogger } from "../../src/shared/logger.ts";
import { openStore, type Db } from "../../src/store/open-store.ts";
import { createWorkspace } from "../../src/workspace/create-workspace.ts";
import { MemoryRecordWriter } from "../../src/workspace/memory-record-writer.ts";
import { tempDir } from "../helpers/temp-dir.ts";

const END = Date.parse("2026-11-25T08:00:00.000Z");
const H = 3_600_000;
const M = 60_000;

/** A day of fixed data: checks for three services, incidents in and around the window, requirement changes. */
function seed(db: Db): void {
  const obs = db.prepare(`INSERT INTO observations (service, kind, status, latency_ms, at) VALUES (?, 'ollama', ?, 20, ?)`);
  for (let i = 0; i < 288; i++) {
    const at = END - 24 * H + i * 5 * M;
    obs.run("ollama", i >= 100 && i < 106 ? "down" : "up", at);
    obs.run("mlx", "up", at);
    obs.run("lmstudio", i % 2 === 0 ? "wrong-service" : "cold", at);
  }
  obs.run("ollama", "up", END - 26 * H); // before the window: not counted
  const inc = db.prepare(
    `INSERT INTO incidents (id, service, kind, severity, status, opened_at, resolved_at, summary, requirements, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '{}')`,
  );
  inc.run("ollama-down-20261124T163000Z", "ollama", "down", "critical", "resolved", END - 24 * H + 100 * 5 * M, END - 24 * H + 106 * 5 * M, "ollama is down: connection refused", '["FR-001"]');
  inc.run("lmstudio-down-20261124T090000Z", "lmstudio", "down", "critical", "open", END - 23 * H, null, "lmstudio is not the configured service: answers | like mistral.rs", '["FR-001","FR-002"]');
  inc.run("host-resource-disk-20261124T060000Z", "host", "resource", "warning", "resolved", END - 26 * H, END - 20 * H, "host: disk at 93.0 % (threshold 90 %)", "[]");
  inc.run("mlx-down-20261123T000000Z", "mlx", "down", "critical", "resolved", END - 50 * H, END - 49 * H, "before the window", "[]");
  const req = db.prepare(`INSERT INTO requirement_status (requirement, status, detail, since, evaluated_at) VALUES (?, ?, ?, ?, ?)`);
  req.run("FR-001", "Degraded", "availability(mlx, ollama, lmstudio) 66.2 % < 99 %", END - 22 * H, END);
  req.run("FR-002", "Verified", "", END - 40 * H, END);
}

describe("incident report", () => {
  let dir: ReturnType<typeof tempDir>;
  let db: Db;
  beforeEach(() => {
    dir = tempDir();
    db = openStore(join(dir.path, "tracker.sqlite"));
    seed(db);
  });
  afterEach(() => {
    db.close();
    dir.remove();
  });

  const window = { from: END - 24 * H, to: END, services: ["ollama", "mlx", "lmstudio", "whisper"] };

  it("buildIncidentReport() takes the incidents that overlap the window, with time to resolve and availability", () => {
    const data = buildIncidentReport(db, window, END);
    expect(data.key).toBe("incident-report-2026-11-25");
    expect(data.incidents.map((i) => [i.id, i.status])).toEqual([
      ["host-resource-disk-20261124T060000Z", "resolved"],
      ["lmstudio-down-20261124T090000Z", "open"],
      ["ollama-down-20261124T163000Z", "resolved"],
    ]);
    expect(data.counts).toEqual({ total: 3, open: 1, resolved: 2 });
    expect(data.timeToResolve).toEqual({ count: 2, mean: "3.3h", median: "30m", max: "6h" });
    expect(data.services.map((s) => [s.name, s.checks, s.failures, s.availability])).toEqual([
      ["lmstudio", 288, 144, "50.00 %"],
      ["mlx", 288, 0, "100.00 %"],
      ["ollama", 288, 6, "97.92 %"],
      ["whisper", 0, 0, "no checks"],
    ]);
    expect(data.requirementStatusRecorded).toBe(true);
    expect(data.requirementChanges).toEqual([{ id: "FR-001", status: "Degraded", since: "2026-11-24 10:00 UTC", detail: "availability(mlx, ollama, lmstudio) 66.2 % < 99 %" }]);
  });

  it("renderIncidentReport() renders templates/reports/incident-report.md.hbs", () => {
    expect(renderIncidentReport(buildIncidentReport(db, window, END))).toMatchSnapshot();
  });

  it("renderIncidentReport() says so when the window was quiet", () => {
    db.exec(`DELETE FROM incidents`);
    const quiet = buildIncidentReport(db, { from: END + H, to: END + 2 * H, services: ["mlx"] }, END + 2 * H);
    expect(renderIncidentReport(quiet)).toMatchSnapshot();
  });

  it("renderIncidentReport() says so when the store has no requirement statuses", () => {
    db.exec(`DROP TABLE requirement_status`);
    const md = renderIncidentReport(buildIncidentReport(db, window, END));
    expect(md).toContain("Requirement statuses are not recorded in this store yet.");
  });

  it("writeIncidentReport() writes the report as a workspace page", async () => {
    const { workspace } = await createWorkspace({ config: { kind: "local", port: 0, host: "127.0.0.1" }, dataDir: dir.path, mode: "serve", logger: silentLogger() });
    const records = new MemoryRecordWriter(workspace, silentLogger());
    try {
      const config = ConfigSchema.parse({ dataDir: dir.path, reports: { window: "24h" }, services: [{ name: "ollama", kind: "ollama" }] });
      const page = await writeIncidentReport({ store: db, records, config, now: () => END, logger: silentLogger() });
      await records.flush();
      const pages = await workspace.readPages();
      const stored = pages.find((p) => p.key === "incident-report-2026-11-25");
      expect(stored).toMatchObject({ title: "Incident report 2026-11-25", markdown: page.markdown });
      expect(stored!.markdown).toContain("| 🔴 | lmstudio | 288 | 144 | 50.00 % | 1 |");
    } finally {
      await records.close();
      await workspace.close();
    }
  });
});
