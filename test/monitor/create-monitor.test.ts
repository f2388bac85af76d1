import { afterEach, describe, expect, it } from "vitest";
import { startHttpServer } from "../../src/http/http-server.ts";
import { REQUIREMENTS } from "../../src/workspace/databases.ts";
import { alertRows, incidentRows, monitorHarness, result, service, T0, type Harness } from "./helpers/monitor-harness.ts";

const BASE = { incidents: { openAfter: 3, resolveAfter: 2, remindEvery: "1h" }, alerts: { groupWindow: "50ms" } };

describe("createMonitor()", () => {
  let h: Harness;
  afterEach(async () => {
    await h?.teardown();
  });

  async function probe(times = 1, stepMs = 30_000): Promise<void> {
    for (let i = 0; i < times; i++) {
      await h.monitor.probeOnce();
      h.clock.advance(stepMs);
    }
    await h.monitor.settled();
  }

  it("probeOnce() records the observation, the live state and the Services row", async () => {
    h = await monitorHarness({ ...BASE, services: [service("alpha")] });
    h.set("alpha", result("up", { latencyMs: 12.34, version: "1.2.3", models: { loaded: ["m1"], available: ["m1", "m2"] } }));
    await probe(1);
    const obs = h.store.prepare(`SELECT service, status, latency_ms, version, at FROM observations`).all();
    expect(obs).toEqual([{ service: "alpha", status: "up", latency_ms: 12.34, version: "1.2.3", at: T0 }]);
    expect(h.live.get("alpha")?.result.status).toBe("up");
    const [row] = await h.workspace.readRows("Services");
    expect(row!.cells).toMatchObject({
      Name: "alpha",
      Kind: "openai-compatible",
      Endpoint: "http://127.0.0.1:9/alpha",
      Status: "up",
      Models: "m1 (loaded; 2 available)",
      Version: "1.2.3",
      "Latency ms": 12,
      "Uptime 24h %": 100,
      "Last check": new Date(T0).toISOString(),
    });
  });

  it("probeOnce() computes Uptime 24h % from the observations", async () => {
    h = await monitorHarness({ ...BASE, services: [service("alpha")] });
    h.set("alpha", result("up"), result("down"), result("up"), result("up"));
    await probe(4);
    const [row] = await h.workspace.readRows("Services");
    expect(row!.cells["Uptime 24h %"]).toBe(75);
  });

  it("opens a down incident after openAfter failures, with the requirements that name the service", async () => {
    h = await monitorHarness({ ...BASE, services: [service("alpha"), service("beta")] });
    await h.workspace.upsertRow(REQUIREMENTS.name, "FR-001", { seed: { Title: "one", Services: "alpha, beta" } });
    await h.workspace.upsertRow(REQUIREMENTS.name, "FR-002", { seed: { Title: "two", Services: "beta" } });
    await h.workspace.upsertRow(REQUIREMENTS.name, "FR-003", { seed: { Title: "three", Services: "alphabet" } });
    h.set("alpha", result("down", { detail: "connection refused" }));
    await probe(2);
    expect(incidentRows(h.store)).toHaveLength(0);
    await probe(1);
    const [inc] = incidentRows(h.store);
    expect(inc).toMatchObject({ service: "alpha", kind: "down", severity: "critical", status: "open", opened_at: T0 + 60_000, resolved_at: null });
    expect(inc!.summary).toBe("alpha is down: connection refused");
    expect(JSON.parse(inc!.requirements)).toEqual(["FR-001"]);
    const rows = await h.workspace.readRows("Incidents");
    expect(rows.map((r) => r.cells)).toEqual([
      expect.objectContaining({ Incident: inc!.id, Service: "alpha", Kind: "down", Status: "open", "Requirements affected": "FR-001", Summary: "alpha is down: connection refused" }),
    ]);
    expect(alertRows(h.store)).toEqual([{ kind: "service_down", service: "alpha", incident_id: inc!.id, channel: "log", delivered: 1, error: null }]);
  });

  it.each([
    { name: "cold", status: "cold" as const },
    { name: "degraded", status: "degraded" as const },
  ])("never opens a down incident for a service that stays $name", async ({ status }) => {
    h = await monitorHarness({ ...BASE, services: [service("alpha")] });
    h.set("alpha", result(status));
    await probe(6);
    expect(incidentRows(h.store)).toHaveLength(0);
  });

  it("opens on wrong-service like on down", async () => {
    h = await monitorHarness({ ...BASE, services: [service("alpha")] });
    h.set("alpha", result("wrong-service", { detail: "answers like LM Studio" }));
    await probe(3);
    expect(incidentRows(h.store)[0]!.summary).toBe("alpha is not the configured service: answers like LM Studio");
  });

  it("resolves after resolveAfter successes, with the duration on the row and a resolved alert", async () => {
    h = await monitorHarness({ ...BASE, services: [service("alpha")] });
    h.set("alpha", result("down"), result("down"), result("down"), result("down"), result("up"), result("up"));
    await probe(6);
    const [inc] = incidentRows(h.store);
    expect(inc).toMatchObject({ status: "resolved", opened_at: T0 + 60_000, resolved_at: T0 + 150_000 });
    const [row] = await h.workspace.readRows("Incidents");
    expect(row!.cells).toMatchObject({ Status: "resolved", Duration: "1.5m", Resolved: new Date(T0 + 150_000).toISOString() });
    expect(alertRows(h.store).map((a) => a.kind)).toEqual(["service_down", "resolved"]);
  });

  it("reminds once remindEvery has passed while the service stays down", async () => {
    h = await monitorHarness({ ...BASE, incidents: { openAfter: 1, resolveAfter: 1, remindEvery: "2m" }, services: [service("alpha")] });
    h.set("alpha", result("down"));
    await probe(10);
    // opened at 0 s, reminded at 120 s and 240 s (probes every 30 s, 10 probes = 270 s)
    expect(alertRows(h.store).map((a) => a.kind)).toEqual(["service_down", "reminder", "reminder"]);
    expect(JSON.parse(incidentRows(h.store)[0]!.detail).reminders).toBe(2);
  });

  it("after a restart in the middle of an open incident, neither notifies again nor loses the resolve", async () => {
    h = await monitorHarness({ ...BASE, services: [service("alpha")] });
    h.set("alpha", result("down"));
    await probe(4);
    expect(alertRows(h.store).map((a) => a.kind)).toEqual(["service_down"]);
    await h.monitor.stop();

    h.monitor = h.newMonitor();
    await h.monitor.start();
    await probe(3);
    expect(alertRows(h.store).map((a) => a.kind)).toEqual(["service_down"]);
    expect(incidentRows(h.store)).toHaveLength(1);

    h.set("alpha", result("up"));
    await probe(2);
    const incidents = incidentRows(h.store);
    expect(incidents).toHaveLength(1);
    expect(incidents[0]!.status).toBe("resolved");
    expect(alertRows(h.store).map((a) => a.kind)).toEqual(["service_down", "resolved"]);
  });

  it("start() resolves the open incident of a service removed from the config", async () => {
    h = await monitorHarness({ ...BASE, services: [service("alpha")] });
    h.set("alpha", result("down"));
    await probe(3);
    const { createMonitor } = await import("../../src/monitor/create-monitor.ts");
    const m = createMonitor({ ...h.deps, config: { ...h.config, services: [] } }, { defaultMetrics: false });
    await m.start();
    await m.stop();
    expect(incidentRows(h.store)[0]!.status).toBe("resolved");
  });

  it("writes one Health row per window, rewritten on a state change and when the window closes", async () => {
    h = await monitorHarness({ ...BASE, health: { window: "5m" }, services: [service("alpha")] });
    h.set("alpha", result("up", { latencyMs: 10 }), result("up", { latencyMs: 30 }), result("down", { detail: "refused" }), ...Array(7).fill(result("up", { latencyMs: 20 })));
    await probe(10, 30_000); // ten checks, all inside 10:00–10:05
    let rows = await h.workspace.readRows("Health");
    expect(rows).toHaveLength(1);
    expect(rows[0]!.key).toBe(`alpha|${new Date(T0).toISOString()}`);
    // written at the first check, the down, and the recovery: it holds the recovery's view
    expect(rows[0]!.cells.Checks).toBe(4);
    h.clock.t = T0 + 5 * 60_000 + 1000;
    const closed = h.monitor.closeHealthWindows();
    expect(closed).toHaveLength(1);
    await h.records.flush();
    rows = await h.workspace.readRows("Health");
    expect(rows).toHaveLength(1);
    expect(rows[0]!.cells).toMatchObject({
      Service: "alpha",
      Window: "2026-11-25 10:00–10:05 UTC",
      Checks: 10,
      Failures: 1,
      "Availability %": 90,
      "Latency p50 ms": 20,
      "Latency p95 ms": 30,
      "Worst detail": "down: refused",
    });
    expect(h.monitor.closeHealthWindows()).toHaveLength(0);
  });

  it("opens a resource incident when a host reading stays over its threshold, and resolves it", async () => {
    h = await monitorHarness({ ...BASE, incidents: { openAfter: 2, resolveAfter: 1 }, alerts: { groupWindow: "50ms", resourceSustain: "1m" }, probe: { interval: "30s" }, services: [{ name: "host", kind: "host", thresholds: { memoryPct: 90 } }] });
    const over = result("degraded", { metrics: { "memory.used_pct": 95.5, "disk.used_pct": 40, "cpu.used_pct": 12 } });
    h.set("host", over, over, result("up", { metrics: { "memory.used_pct": 50, "disk.used_pct": 40, "cpu.used_pct": 12 } }));
    await probe(3);
    const [inc] = incidentRows(h.store);
    expect(inc).toMatchObject({ service: "host", kind: "resource", status: "resolved" });
    expect(inc!.id).toMatch(/^host-resource-memory-/);
    expect(inc!.summary).toBe("host: memory at 95.5 % (threshold 90 %)");
    expect(alertRows(h.store).map((a) => a.kind)).toEqual(["resource", "resolved"]);
  });

  it("waits resourceSustain before a resource incident opens, however low openAfter is", async () => {
    h = await monitorHarness({ ...BASE, incidents: { openAfter: 1 }, alerts: { groupWindow: "50ms", resourceSustain: "2m" }, probe: { interval: "30s" }, services: [{ name: "host", kind: "host" }] });
    h.set("host", result("degraded", { metrics: { "cpu.used_pct": 99 } }));
    await probe(3);
    expect(incidentRows(h.store)).toHaveLength(0);
    await probe(1); // the fourth check in a row covers 2 minutes at 30 s
    expect(incidentRows(h.store).map((i) => i.id)).toEqual([expect.stringMatching(/^host-resource-cpu-/)]);
  });

  it("opens a performance incident when a window's p95 is over its 24 h baseline × degradationFactor", async () => {
    h = await monitorHarness({ ...BASE, alerts: { groupWindow: "50ms", degradationFactor: 2, degradationMinMs: 50, baselineMinWindows: 6 }, services: [service("alpha")] });
    const insert = h.store.prepare(`INSERT INTO observations (service, kind, status, latency_ms, at) VALUES ('alpha', 'openai-compatible', 'up', ?, ?)`);
    const w = 5 * 60_000;
    for (let i = 0; i < 8; i++) for (let j = 0; j < 5; j++) insert.run(100 + j, T0 + i * w + j * 1000);
    for (let j = 0; j < 5; j++) insert.run(400, T0 + 8 * w + j * 1000); // the slow window
    h.clock.t = T0 + 9 * w + 1000;
    const closed = h.monitor.closeHealthWindows();
    expect(closed).toHaveLength(9);
    await new Promise((r) => setTimeout(r, 50));
    await h.monitor.settled();
    const [inc] = incidentRows(h.store);
    expect(inc).toMatchObject({ service: "alpha", kind: "performance", severity: "warning", status: "open" });
    expect(inc!.summary).toBe("alpha: p95 latency 400 ms, 3.8× its 24 h baseline of 104 ms (alert over 2×)");
  });

  it("prune() deletes observations and rollups older than health.retention", async () => {
    h = await monitorHarness({ ...BASE, health: { window: "5m", retention: "1d" }, services: [service("alpha")] });
    await probe(1);
    h.clock.advance(2 * 86_400_000);
    await probe(1);
    h.monitor.prune();
    const left = h.store.prepare(`SELECT at FROM observations`).all() as { at: number }[];
    expect(left).toHaveLength(1);
    expect(left[0]!.at).toBeGreaterThan(T0 + 86_400_000);
  });

  it.each([
    { name: "closed", closeOld: true },
    { name: "never closed (the tracker was stopped for days)", closeOld: false },
  ])("prune() deletes the Health rows of windows older than health.retention ($name) from the workspace, and keeps Incidents rows", async ({ closeOld }) => {
    h = await monitorHarness({ ...BASE, health: { window: "5m", retention: "1d" }, services: [service("alpha"), service("beta")] });
    h.set("alpha", result("down"));
    await probe(3, 100_000);
    if (closeOld) {
      h.clock.advance(5 * 60_000);
      expect(h.monitor.closeHealthWindows().length).toBeGreaterThan(0);
    }
    h.clock.t = T0 + 2 * 86_400_000;
    h.set("alpha", result("up"));
    await probe(3, 100_000);
    h.clock.advance(5 * 60_000);
    h.monitor.closeHealthWindows();
    await h.records.flush();
    const windows = (await h.workspace.readRows("Health")).map((r) => r.key);
    const fresh = windows.filter((k) => k.includes(new Date(T0 + 2 * 86_400_000).toISOString().slice(0, 10)));
    expect(fresh.length).toBeGreaterThan(0);
    expect(windows.length).toBeGreaterThan(fresh.length);
    const incidents = (await h.workspace.readRows("Incidents")).map((r) => r.key);
    expect(incidents).toHaveLength(1);
    h.monitor.prune();
    await h.records.flush();
    expect((await h.workspace.readRows("Health")).map((r) => r.key).sort()).toEqual(fresh.sort());
    expect((await h.workspace.readRows("Incidents")).map((r) => r.key)).toEqual(incidents);
    expect(h.logs.entries.find((e) => e.msg === "old observations, rollups and workspace rows pruned")).toMatchObject({ healthRows: windows.length - fresh.length });
  });

  it("prune() deletes Benchmarks rows older than health.retention from the workspace once, keeping the store's benchmarks", async () => {
    h = await monitorHarness({ ...BASE, health: { window: "5m", retention: "1d" }, services: [service("alpha")] });
    const insert = h.store.prepare(`INSERT INTO benchmarks (run_id, service, model, metric, value, unit, at) VALUES (?, 'alpha', 'm', ?, 1, 'ms', ?)`);
    const runs = [
      { runId: "alpha-old", at: T0 },
      { runId: "alpha-new", at: T0 + 2 * 86_400_000 - 3_600_000 },
    ];
    for (const r of runs) {
      for (const metric of ["latency_p50_ms", "ttft_ms"]) {
        insert.run(r.runId, metric, r.at);
        h.records.upsert("Benchmarks", `${r.runId}|${metric}`, { set: { Service: "alpha", Metric: metric, Value: 1, Time: new Date(r.at).toISOString() } });
      }
    }
    h.clock.t = T0 + 2 * 86_400_000;
    h.monitor.prune();
    await h.records.flush();
    expect((await h.workspace.readRows("Benchmarks")).map((r) => r.key)).toEqual(["alpha-new|latency_p50_ms", "alpha-new|ttft_ms"]);
    expect(h.store.prepare(`SELECT count(*) AS n FROM benchmarks`).get()).toEqual({ n: 4 });
    const pruned = () => h.logs.entries.filter((e) => e.msg === "old observations, rollups and workspace rows pruned").map((e) => e.benchmarkRows);
    expect(pruned()).toEqual([2]);
    h.monitor.prune();
    h.clock.advance(86_400_000);
    h.monitor.prune();
    expect(pruned()).toEqual([2, 2]);
    await h.records.flush();
    expect(await h.workspace.readRows("Benchmarks")).toEqual([]);
  });

  it("runs the restart command after `after` failures, up to maxAttempts, and records it on the incident", async () => {
    const calls: string[][] = [];
    h = await monitorHarness(
      { ...BASE, incidents: { openAfter: 2, resolveAfter: 1 }, services: [service("alpha", { restart: { command: ["restart-it", "alpha"], after: 1, backoff: "1m", maxAttempts: 2 } })] },
      {
        runCommand: async (command) => {
          calls.push([...command]);
          return { exitCode: 1, signal: null, error: null, output: "no such unit" };
        },
      },
    );
    h.set("alpha", result("down"));
    await probe(1, 30_000); // failure 1: restart 1 (before the incident opens)
    await probe(1, 30_000); // failure 2: incident opens, carrying restart 1; 30 s < backoff
    await probe(1, 30_000); // 60 s after restart 1: restart 2
    await probe(3, 120_000); // cap reached: no more
    expect(calls).toEqual([
      ["restart-it", "alpha"],
      ["restart-it", "alpha"],
    ]);
    const [inc] = incidentRows(h.store);
    const detail = JSON.parse(inc!.detail);
    expect(detail.restarts.map((r: { attempt: number; exitCode: number }) => [r.attempt, r.exitCode])).toEqual([
      [1, 1],
      [2, 1],
    ]);
    expect(inc!.summary).toBe("alpha is down: down for the test; restart 2/2 at 10:01:00Z: exit 1");
    const [row] = await h.workspace.readRows("Incidents");
    expect(row!.cells.Summary).toBe(inc!.summary);
  });

  it("runs a real restart command with execFile and no shell", async () => {
    h = await monitorHarness({
      ...BASE,
      incidents: { openAfter: 1, resolveAfter: 1 },
      services: [service("alpha", { restart: { command: [process.execPath, "-e", "process.stdout.write(process.argv[1])", "$HOME;echo"], after: 1 } })],
    });
    h.set("alpha", result("down"));
    await probe(1);
    const detail = JSON.parse(incidentRows(h.store)[0]!.detail);
    expect(detail.restarts).toHaveLength(1);
    expect(detail.restarts[0]).toMatchObject({ ok: true, exitCode: 0, output: "$HOME;echo" });
  });

  it("serves /metrics with probe status, latency, incidents open and alert deliveries", async () => {
    h = await monitorHarness({ ...BASE, incidents: { openAfter: 1 }, services: [service("alpha"), service("beta")] });
    h.set("beta", result("down"));
    await probe(1);
    const server = await startHttpServer({ host: "127.0.0.1", port: 0, handlers: [h.monitor.metricsHandler], logger: h.logs.logger });
    try {
      const res = await fetch(`${server.url}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/text\/plain/);
      const text = await res.text();
      expect(text).toContain('ai_tracker_service_up{service="alpha",kind="openai-compatible"} 1');
      expect(text).toContain('ai_tracker_service_up{service="beta",kind="openai-compatible"} 0');
      expect(text).toContain('ai_tracker_service_status{service="beta",kind="openai-compatible",status="down"} 1');
      expect(text).toContain('ai_tracker_probe_latency_seconds_count{service="alpha"} 1');
      expect(text).toContain('ai_tracker_probe_duration_seconds_count{service="beta"} 1');
      expect(text).toContain('ai_tracker_incidents_open{kind="down"} 1');
      expect(text).toContain('ai_tracker_alert_deliveries_total{kind="service_down",channel="log",outcome="delivered"} 1');
      expect((await fetch(`${server.url}/other`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it("registerMetrics() puts another concern's collectors on the same /metrics", async () => {
    h = await monitorHarness({ ...BASE, services: [service("alpha")] });
    const { Counter } = await import("prom-client");
    h.monitor.registerMetrics((registry) => {
      new Counter({ name: "ai_tracker_router_requests_total", help: "test", registers: [registry] }).inc(3);
    });
    expect(await h.monitor.registry.metrics()).toContain("ai_tracker_router_requests_total 3");
  });
});
