import { join } from "node:path";
import * as Y from "yjs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AppDeps } from "../../src/app-deps.ts";
import { createEvidenceEngine, type EvidenceEngine } from "../../src/evidence/create-evidence-engine.ts";
import { evaluateForStatus } from "../../src/evidence/evaluate-for-status.ts";
import { explainRequirement } from "../../src/evidence/explain-requirement.ts";
import type { Alert } from "../../src/monitor/alerts/alert.ts";
import { LiveState } from "../../src/monitor/live-state.ts";
import { openStore, type Db } from "../../src/store/open-store.ts";
import { createWorkspace, type OpenedWorkspace } from "../../src/workspace/create-workspace.ts";
import { DATABASES, EVIDENCE, INCIDENTS, REQUIREMENTS } from "../../src/workspace/databases.ts";
import { databaseDocName } from "../../src/workspace/local/yjs-layout.ts";
import { MemoryRecordWriter } from "../../src/workspace/memory-record-writer.ts";
import type { Cells, Row } from "../../src/workspace/workspace.ts";
import { captureLogs } from "../helpers/capture-logs.ts";
import { personDoc } from "../helpers/person-doc.ts";
import { tempDir } from "../helpers/temp-dir.ts";
import { testConfig } from "../helpers/test-config.ts";
import { seeder, type Seeder } from "./seed-store.ts";

const NOW = Date.parse("2026-01-10T12:00:00Z");
const MIN = 60_000;
const HOUR = 3_600_000;

const SERVICES_YAML = `services:
  - { name: mlx, kind: mlx, url: "http://127.0.0.1:8002" }
  - { name: ollama, kind: ollama, url: "http://127.0.0.1:11434" }
`;

interface Harness {
  deps: AppDeps;
  engine: EvidenceEngine;
  seed: Seeder;
  db: Db;
  opened: OpenedWorkspace;
  logs: ReturnType<typeof captureLogs>;
  /** What the engine handed to the alert channels. */
  alerts: Alert[];
  setNow(ms: number): void;
  /** The Requirements rows once every queued write has landed. */
  rows(database?: string): Promise<Row[]>;
  card(id: string): Promise<Cells | undefined>;
  /** Changes the workspace as a team member would, over a second Yjs client. */
  asPerson(change: (rows: Y.Map<Y.Map<unknown>>) => void): Promise<void>;
  teardown(): Promise<void>;
}

async function harness(requirements: Record<string, string>, extraYaml = "evidence:\n  interval: 1h\n", ensureDatabases = true): Promise<Harness> {
  const dir = tempDir("ai-tracker-engine-");
  const config = testConfig(dir.path, SERVICES_YAML + extraYaml);
  const logs = captureLogs("debug");
  const db = openStore(join(dir.path, "tracker.sqlite"));
  const opened = await createWorkspace({ config: config.workspace, dataDir: dir.path, mode: "serve", logger: logs.logger });
  const workspace = opened.workspace;
  if (ensureDatabases) for (const spec of DATABASES) await workspace.ensureDatabase(spec);
  const records = new MemoryRecordWriter(workspace, logs.logger);
  for (const [id, criteria] of Object.entries(requirements)) {
    records.upsert(REQUIREMENTS.name, id, { seed: { ID: id, Title: `Title of ${id}`, Criteria: criteria }, set: { Status: "Unverified" } });
  }
  await records.flush();
  let now = NOW;
  const deps: AppDeps = { config, logger: logs.logger, fetch, now: () => now, store: db, workspace, records, live: new LiveState() };
  const alerts: Alert[] = [];
  const engine = createEvidenceEngine(deps, { debounceMs: 50, alert: (a) => alerts.push(a) });
  const rows = async (database = REQUIREMENTS.name) => {
    await records.flush();
    return workspace.readRows(database);
  };
  return {
    deps,
    engine,
    alerts,
    seed: seeder(db),
    db,
    opened,
    logs,
    setNow: (ms) => {
      now = ms;
    },
    rows,
    card: async (id) => (await rows()).find((r) => r.cells.ID === id)?.cells,
    asPerson: async (change) => {
      const p = await personDoc(opened.server!.url, databaseDocName(REQUIREMENTS.name));
      p.doc.transact(() => change(p.doc.getMap<Y.Map<unknown>>("rows")));
      await p.flush();
      p.close();
    },
    teardown: async () => {
      await engine.stop();
      await records.close();
      await workspace.close();
      db.close();
      dir.remove();
    },
  };
}

/** Polls until `check` returns a value (or stops throwing); generous for a loaded 2-core machine. */
async function eventually<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function editCriteria(id: string, criteria: string) {
  return (rows: Y.Map<Y.Map<unknown>>) => {
    for (const row of rows.values()) {
      const cells = row.get("cells") as Y.Map<unknown>;
      if (cells.get("ID") === id) cells.set("Criteria", criteria);
    }
  };
}

/** Healthy mlx and ollama from an hour ago until `until`, plus an hour of good router traffic. */
function seedHealthy(s: Seeder, until = NOW): void {
  s.observations("mlx", NOW - HOUR, until, 30_000, () => ({ modelsLoaded: ["mlx-community/Llama-3.2-3B-Instruct-4bit"] }));
  s.observations("ollama", NOW - HOUR, until, 30_000);
  s.db.transaction(() => {
    for (let at = NOW - HOUR; at <= until; at += 10_000) s.run({ type: "chat", at, overheadMs: 1.5, outcome: "ok" });
  })();
}

describe("createEvidenceEngine()", () => {
  let h: Harness;
  afterEach(async () => {
    await h.teardown();
  });

  describe("start()", () => {
    beforeEach(async () => {
      h = await harness({
        "FR-001": "router.overhead.p95 < 2ms over 1h\navailability(mlx, ollama) >= 99% over 1h",
        "FR-002": 'model.loaded(mlx, "Llama-3.2-3B-Instruct-4bit")\nmodel.load_time(mlx) < 5s',
        "FR-003": "! router.overhead.p95 < 1ms over 1h\nrouter.success_rate >= 99% over 1h\navailability(ollama) >= 99% over 1h",
        "FR-004": "router.success_rate >= 99%\nrouter.overhed.p95 < 2ms",
        "FR-005": "",
      });
      seedHealthy(h.seed);
      h.seed.run({ type: "chat", at: NOW - 1000, overheadMs: 1.5, outcome: "error" });
      await h.engine.start();
    });

    it("evaluates every requirement and writes Status and Evidence on each card", async () => {
      const rows = await h.rows();
      const byId = Object.fromEntries(rows.map((r) => [r.cells.ID, r.cells]));
      expect(byId["FR-001"]).toMatchObject({ Status: "Verified", "Last verified": new Date(NOW).toISOString() });
      expect(String(byId["FR-001"]!.Evidence).split("\n")).toEqual([
        "🟢 router.overhead.p95 < 2ms over 1h — 1.5ms vs < 2ms",
        "🟢 availability(mlx, ollama) >= 99% over 1h — 100% vs >= 99%",
      ]);
      expect(byId["FR-002"]!.Status).toBe("Unverified");
      expect(byId["FR-002"]!.Evidence).toMatch(/^🟢 model.loaded\(mlx, "Llama-3.2-3B-Instruct-4bit"\) — true vs == true\n⚪ model.load_time\(mlx\) < 5s — no load_time_ms benchmark of mlx in 1d$/);
      expect(byId["FR-003"]!.Status).toBe("Failing");
      expect(String(byId["FR-003"]!.Evidence).split("\n")).toEqual([
        "🔴 ! router.overhead.p95 < 1ms over 1h — 1.5ms vs < 1ms",
        "🟢 router.success_rate >= 99% over 1h — 99.7% vs >= 99%",
        "🟢 availability(ollama) >= 99% over 1h — 100% vs >= 99%",
      ]);
      expect(byId["FR-004"]).toMatchObject({ Status: "Invalid", Evidence: '⛔ line 2:1: unknown metric "router.overhed.p95"; did you mean "router.overhead.p95"?' });
      expect(byId["FR-005"]).toMatchObject({ Status: "Unverified", Evidence: expect.stringMatching(/no criteria/) });
      expect(byId["FR-002"]!["Last verified"] ?? null).toBeNull();
    });

    it("stores every evaluation, the current status, and one Evidence row per criterion", async () => {
      const evidence = h.db.prepare("SELECT requirement, criterion, measured, threshold, result, source, at FROM evidence ORDER BY id").all();
      expect(evidence).toHaveLength(7);
      expect(evidence[0]).toEqual({ requirement: "FR-001", criterion: "router.overhead.p95 < 2ms over 1h", measured: "1.5ms", threshold: "< 2ms", result: "pass", source: "router", at: NOW });
      const statuses = h.db.prepare("SELECT requirement, status, since FROM requirement_status ORDER BY requirement").all();
      expect(statuses).toEqual(["Verified", "Unverified", "Failing", "Invalid", "Unverified"].map((status, i) => ({ requirement: `FR-00${i + 1}`, status, since: NOW })));
      const rows = await h.rows(EVIDENCE.name);
      expect(rows).toHaveLength(7);
      expect(rows.find((r) => r.key === `FR-003|! router.overhead.p95 < 1ms over 1h|${new Date(NOW).toISOString()}`)?.cells).toMatchObject({
        Requirement: "FR-003",
        Criterion: "! router.overhead.p95 < 1ms over 1h",
        Measured: "1.5ms",
        Threshold: "< 1ms",
        Result: "fail",
        Source: "router",
        Time: new Date(NOW).toISOString(),
      });
      expect(rows.find((r) => r.cells.Requirement === "FR-002" && r.cells.Result === "unverified")?.cells.Measured).toBe("unverified: no load_time_ms benchmark of mlx in 1d");
    });

    it("writes Evidence rows when a result changes, else at most once per hour per criterion", async () => {
      const count = async () => (await h.rows(EVIDENCE.name)).filter((r) => r.cells.Requirement === "FR-001").length;
      seedHealthy(h.seed, NOW + 2 * HOUR);
      h.setNow(NOW + MIN);
      await h.engine.evaluateAll();
      expect(await count()).toBe(2);
      h.setNow(NOW + 61 * MIN);
      await h.engine.evaluateAll();
      expect(await count()).toBe(4);
      for (let i = 0; i < 60; i++) h.seed.run({ type: "chat", at: NOW + 62 * MIN + i, overheadMs: 50 });
      h.setNow(NOW + 63 * MIN);
      const [fr1] = await h.engine.evaluateAll();
      expect(fr1!.criteria[0]!.result).toBe("fail");
      expect(await count()).toBe(5);
      expect(h.db.prepare("SELECT count(*) FROM evidence WHERE requirement = 'FR-001'").pluck().get()).toBe(8);
    });

    it("logs status changes once", async () => {
      const changes = () => h.logs.entries.filter((e) => e.msg === "requirement status changed");
      expect(changes().map((e) => [e.requirement, e.from, e.to])).toEqual([
        ["FR-001", null, "Verified"],
        ["FR-002", null, "Unverified"],
        ["FR-003", null, "Failing"],
        ["FR-004", null, "Invalid"],
        ["FR-005", null, "Unverified"],
      ]);
      await h.engine.evaluateAll();
      expect(changes()).toHaveLength(5);
    });

    it("re-evaluates a card after a person edits its criterion", async () => {
      await h.asPerson(editCriteria("FR-001", "router.overhead.p95 < 1ms over 1h"));
      const card = await eventually(async () => {
        const c = await h.card("FR-001");
        return c?.Status === "Failing" ? c : undefined;
      }, "FR-001 to fail after the edit");
      expect(card.Evidence).toBe("🔴 router.overhead.p95 < 1ms over 1h — 1.5ms vs < 1ms");
    });

    it("shows Invalid with line:col on the card after an edit breaks a criterion", async () => {
      await h.asPerson(editCriteria("FR-001", "availability(mlx) >= 99% over 1h\nlatency.p95(mlx) < 500"));
      const card = await eventually(async () => {
        const c = await h.card("FR-001");
        return c?.Status === "Invalid" ? c : undefined;
      }, "FR-001 to become Invalid");
      expect(card.Evidence).toBe("⛔ line 2:23: latency.p95 is a time: no unit; give a time unit (ms, s, m or h), e.g. 500ms");
    });

    it("evaluates a requirement a person adds as a new row", async () => {
      await h.asPerson((rows) => {
        const row = new Y.Map<unknown>();
        const cells = new Y.Map<unknown>();
        cells.set("ID", "FR-006");
        cells.set("Title", "Added by hand");
        cells.set("Criteria", "availability(mlx) >= 99% over 1h");
        row.set("cells", cells);
        rows.set(crypto.randomUUID(), row);
      });
      const card = await eventually(async () => {
        const c = await h.card("FR-006");
        return c?.Status === "Verified" ? c : undefined;
      }, "FR-006 to be evaluated");
      expect(card.Evidence).toBe("🟢 availability(mlx) >= 99% over 1h — 100% vs >= 99%");
      expect(h.db.prepare("SELECT status FROM requirement_status WHERE requirement = 'FR-006'").pluck().get()).toBe("Verified");
    });

    it("forgets a requirement whose row a person deletes", async () => {
      await h.asPerson((rows) => {
        for (const [key, row] of rows.entries()) if ((row.get("cells") as Y.Map<unknown>).get("ID") === "FR-005") rows.delete(key);
      });
      await eventually(async () => (h.db.prepare("SELECT count(*) FROM requirement_status WHERE requirement = 'FR-005'").pluck().get() === 0 ? true : undefined), "FR-005 to be forgotten");
    });

    it("opens an incident naming the requirement when it falls from Verified, and resolves it when Verified again", async () => {
      h.seed.observations("mlx", NOW + 30_000, NOW + 10 * MIN, 30_000, () => ({ status: "down" }));
      h.seed.observations("ollama", NOW + 30_000, NOW + 10 * MIN, 30_000);
      h.seed.run({ type: "chat", at: NOW + 10 * MIN, overheadMs: 1 });
      h.setNow(NOW + 10 * MIN);
      await h.engine.evaluateAll();
      expect((await h.card("FR-001"))!.Status).toBe("Degraded");
      const open = h.db.prepare("SELECT * FROM incidents WHERE service = 'requirement:FR-001'").all() as Record<string, unknown>[];
      expect(open).toHaveLength(1);
      expect(open[0]).toMatchObject({ kind: "requirement", severity: "warning", status: "open", opened_at: NOW + 10 * MIN, requirements: '["FR-001"]' });
      expect(open[0]!.summary).toMatch(/^FR-001 Title of FR-001 is Degraded: 🔴 availability\(mlx, ollama\) >= 99% over 1h — 8\d.\d% vs >= 99%$/);
      const incidentRow = (await h.rows(INCIDENTS.name)).find((r) => r.key === open[0]!.id);
      expect(incidentRow?.cells).toMatchObject({ Kind: "requirement", Status: "open", Service: "requirement:FR-001", "Requirements affected": "FR-001" });
      expect(h.logs.entries.some((e) => e.msg === "requirement fell from Verified: incident opened" && e.requirement === "FR-001")).toBe(true);
      expect(h.alerts).toEqual([
        {
          kind: "requirement",
          service: "requirement:FR-001",
          incidentId: open[0]!.id,
          incidentKind: "requirement",
          severity: "warning",
          summary: open[0]!.summary,
          detail: "FR-001 went from Verified to Degraded",
          at: NOW + 10 * MIN,
          openedAt: NOW + 10 * MIN,
          durationMs: null,
          requirements: ["FR-001"],
        },
      ]);

      // Still down a little later: the same incident, not a second one.
      h.setNow(NOW + 10 * MIN + 1000);
      await h.engine.evaluateAll();
      expect(h.db.prepare("SELECT count(*) FROM incidents").pluck().get()).toBe(1);
      expect(h.alerts).toHaveLength(1);

      // Two hours of health later the hour-long window is clean again.
      h.seed.observations("mlx", NOW + 10 * MIN + 30_000, NOW + 2 * HOUR, 30_000);
      h.seed.observations("ollama", NOW + 10 * MIN + 30_000, NOW + 2 * HOUR, 30_000);
      for (let at = NOW + HOUR + 10 * MIN; at <= NOW + 2 * HOUR; at += 60_000) h.seed.run({ type: "chat", at, overheadMs: 1 });
      h.setNow(NOW + 2 * HOUR);
      await h.engine.evaluateAll();
      expect((await h.card("FR-001"))!.Status).toBe("Verified");
      const resolved = h.db.prepare("SELECT status, resolved_at FROM incidents WHERE service = 'requirement:FR-001'").get();
      expect(resolved).toEqual({ status: "resolved", resolved_at: NOW + 2 * HOUR });
      expect((await h.rows(INCIDENTS.name)).find((r) => r.key === open[0]!.id)?.cells).toMatchObject({ Status: "resolved", Duration: "1.8h" });
      expect(h.alerts[1]).toMatchObject({
        kind: "resolved",
        incidentId: open[0]!.id,
        incidentKind: "requirement",
        summary: "FR-001 Title of FR-001 is Verified again after 1.8h",
        // The incident's summary as last updated: what it said when it ended.
        detail: h.db.prepare("SELECT summary FROM incidents WHERE id = ?").pluck().get(open[0]!.id),
        durationMs: 2 * HOUR - 10 * MIN,
        requirements: ["FR-001"],
      });
    });

    it("puts back a status typed by hand", async () => {
      await h.asPerson((rows) => {
        for (const row of rows.values()) {
          const cells = row.get("cells") as Y.Map<unknown>;
          if (cells.get("ID") === "FR-003") cells.set("Status", "Verified");
        }
      });
      await eventually(async () => (h.logs.entries.some((e) => e.msg === "card status edited by hand: restored" && e.requirement === "FR-003") ? true : undefined), "the hand edit to be noticed");
      await eventually(async () => ((await h.card("FR-003"))?.Status === "Failing" ? true : undefined), "FR-003 to show Failing again");
    });

    it("refreshes Last verified of a Verified card at most every cardRefresh", async () => {
      seedHealthy(h.seed, NOW + 10 * MIN);
      h.setNow(NOW + 2 * MIN);
      await h.engine.evaluateAll();
      expect((await h.card("FR-001"))!["Last verified"]).toBe(new Date(NOW).toISOString());
      h.setNow(NOW + 6 * MIN);
      await h.engine.evaluateAll();
      expect((await h.card("FR-001"))!["Last verified"]).toBe(new Date(NOW + 6 * MIN).toISOString());
    });

    it("resolves the open incident of a requirement whose row is deleted", async () => {
      h.seed.observations("mlx", NOW + 30_000, NOW + 10 * MIN, 30_000, () => ({ status: "down" }));
      h.setNow(NOW + 10 * MIN);
      await h.engine.evaluateAll();
      expect(h.db.prepare("SELECT status FROM incidents WHERE service = 'requirement:FR-001'").pluck().get()).toBe("open");
      await h.asPerson((rows) => {
        for (const [key, row] of rows.entries()) if ((row.get("cells") as Y.Map<unknown>).get("ID") === "FR-001") rows.delete(key);
      });
      await eventually(async () => (h.db.prepare("SELECT status FROM incidents WHERE service = 'requirement:FR-001'").pluck().get() === "resolved" ? true : undefined), "the incident to be resolved");
      expect(h.alerts.map((a) => [a.kind, a.summary.replace(/ after .*/, "")])).toEqual([
        ["requirement", expect.stringMatching(/^FR-001 Title of FR-001 is /)],
        ["resolved", "FR-001 was removed from the workspace"],
      ]);
    });

    it("prunes store evidence older than evidence.retention, for gone requirements too, at most hourly", async () => {
      const insert = h.db.prepare("INSERT INTO evidence (requirement, criterion, result, at) VALUES (?, 'c', 'pass', ?)");
      for (const req of ["FR-001", "FR-999", "A-1"]) {
        insert.run(req, NOW - 31 * 86_400_000);
        insert.run(req, NOW - 29 * 86_400_000);
      }
      const old = () => h.db.prepare("SELECT count(*) FROM evidence WHERE at < ?").pluck().get(NOW - 30 * 86_400_000 + HOUR);
      h.setNow(NOW + 30 * MIN);
      await h.engine.evaluateAll();
      expect(old()).toBe(3);
      h.setNow(NOW + HOUR);
      await h.engine.evaluateAll();
      expect(old()).toBe(0);
      expect(h.db.prepare("SELECT count(*) FROM evidence WHERE at = ?").pluck().get(NOW - 29 * 86_400_000)).toBe(3);
    });

    it("evaluateForStatus() gives the status --json shape without writing", async () => {
      const before = h.db.prepare("SELECT count(*) FROM evidence").pluck().get();
      const entries = await evaluateForStatus(h.deps);
      expect(entries.map((e) => [e.id, e.status])).toEqual([
        ["FR-001", "Verified"],
        ["FR-002", "Unverified"],
        ["FR-003", "Failing"],
        ["FR-004", "Invalid"],
        ["FR-005", "Unverified"],
      ]);
      expect(entries[0]).toEqual({
        id: "FR-001",
        title: "Title of FR-001",
        status: "Verified",
        summary: "all 2 pass on fresh evidence",
        evidence: [
          { criterion: "router.overhead.p95 < 2ms over 1h", measured: "1.5ms", threshold: "< 2ms", result: "pass", at: new Date(NOW).toISOString() },
          { criterion: "availability(mlx, ollama) >= 99% over 1h", measured: "100%", threshold: ">= 99%", result: "pass", at: new Date(NOW).toISOString() },
        ],
      });
      expect(entries[1]!.evidence[1]).toEqual({ criterion: "model.load_time(mlx) < 5s", measured: "", threshold: "< 5s", result: "unverified", at: null });
      expect(h.db.prepare("SELECT count(*) FROM evidence").pluck().get()).toBe(before);
    });

    it("explainRequirement() evaluates one requirement without writing", async () => {
      const before = h.db.prepare("SELECT count(*) FROM evidence").pluck().get();
      const ev = (await explainRequirement(h.deps, "FR-003", h.deps.now())).evaluation;
      expect(ev).toMatchObject({ id: "FR-003", status: "Failing", summary: expect.stringMatching(/^critical criterion fails: router.overhead.p95 < 1ms over 1h/) });
      expect(ev!.criteria.map((c) => c.result)).toEqual(["fail", "pass", "pass"]);
      expect((await explainRequirement(h.deps, "FR-404", h.deps.now())).evaluation).toBeUndefined();
      expect(h.db.prepare("SELECT count(*) FROM evidence").pluck().get()).toBe(before);
    });
  });

  it("start() without a Requirements database logs it and evaluates the rows once the database appears", async () => {
    h = await harness({}, undefined, false);
    seedHealthy(h.seed);
    await h.engine.start();
    expect(h.logs.entries.some((e) => e.msg === "requirements not evaluated" && /no such database/.test(String((e.err as { message?: string })?.message)))).toBe(true);
    for (const spec of DATABASES) await h.deps.workspace.ensureDatabase(spec);
    h.deps.records.upsert(REQUIREMENTS.name, "FR-001", { seed: { ID: "FR-001", Title: "late", Criteria: "router.success_rate >= 99%" } });
    await eventually(async () => ((await h.card("FR-001"))?.Status === "Verified" ? true : undefined), "FR-001 to be evaluated");
  });

  it("deletes Evidence rows older than evidence.retention from the workspace, at most hourly, and keeps the newer ones", async () => {
    h = await harness({ "FR-001": "router.success_rate >= 99% over 1h\nrouter.overhead.p95 < 2ms over 1h" }, "evidence:\n  interval: 1h\n  history: 1h\n  retention: 90m\n");
    const keys = async () => (await h.rows(EVIDENCE.name)).map((r) => r.key);
    const at = (t: number) => [`FR-001|router.success_rate >= 99% over 1h|${new Date(t).toISOString()}`, `FR-001|router.overhead.p95 < 2ms over 1h|${new Date(t).toISOString()}`];
    const evaluateAt = async (t: number) => {
      seedHealthy(h.seed, t);
      h.setNow(t);
      await h.engine.evaluateAll();
    };
    await evaluateAt(NOW);
    await evaluateAt(NOW + HOUR);
    expect((await keys()).sort()).toEqual([...at(NOW), ...at(NOW + HOUR)].sort());
    // 2 h: the rows of the first evaluation are past the 90 m retention.
    await evaluateAt(NOW + 2 * HOUR);
    expect((await keys()).sort()).toEqual([...at(NOW + HOUR), ...at(NOW + 2 * HOUR)].sort());
    // 2 h 45 m: the rows of 1 h are past it too, but the last pruning was less than an hour ago.
    await evaluateAt(NOW + 2 * HOUR + 45 * MIN);
    expect((await keys()).sort()).toEqual([...at(NOW + HOUR), ...at(NOW + 2 * HOUR)].sort());
    expect(h.logs.entries.filter((e) => e.msg === "Evidence rows past evidence.retention deleted from the workspace").map((e) => e.rows)).toEqual([2]);
    expect(h.db.prepare("SELECT key FROM evidence_rows ORDER BY key").pluck().all()).toEqual([...at(NOW + HOUR), ...at(NOW + 2 * HOUR)].sort());
  });

  it("start() re-evaluates on its interval when only the store changes", async () => {
    h = await harness({ "FR-001": "router.success_rate >= 99%" }, "evidence:\n  interval: 200ms\n");
    seedHealthy(h.seed);
    // The card moves only on the schedule: new data in the store does not touch the workspace.
    await h.engine.start();
    expect((await h.card("FR-001"))!.Status).toBe("Verified");
    for (let i = 0; i < 20; i++) h.seed.run({ type: "chat", at: NOW + 1000 + i, outcome: "error" });
    h.setNow(NOW + 2000);
    await eventually(async () => ((await h.card("FR-001"))?.Status === "Failing" ? true : undefined), "the schedule to re-evaluate FR-001");
  });
});
