import { afterEach, describe, expect, it } from "vitest";
import { alertRows, monitorHarness, result, service, until, type Harness } from "../helpers/monitor-harness.ts";
import { deadUrl, webhookReceiver } from "../../helpers/webhook-receiver.ts";

type Receiver = Awaited<ReturnType<typeof webhookReceiver>>;

describe("alerts through webhooks", () => {
  let h: Harness | undefined;
  let receiver: Receiver | undefined;
  afterEach(async () => {
    await h?.teardown();
    await receiver?.close();
    h = undefined;
    receiver = undefined;
  });

  it("delivers an incident in the generic JSON format to a real HTTP server", async () => {
    receiver = await webhookReceiver();
    h = await monitorHarness({
      incidents: { openAfter: 1 },
      alerts: { groupWindow: "20ms", webhooks: [{ url: `${receiver.url}/hooks/tracker`, format: "json", headers: { "x-token": "s3cret" } }] },
      services: [service("alpha")],
    });
    h.set("alpha", result("down", { detail: "connection refused" }));
    await h.monitor.probeOnce();
    await h.monitor.settled();
    expect(receiver.received).toHaveLength(1);
    const req = receiver.received[0]!;
    expect(req).toMatchObject({ method: "POST", path: "/hooks/tracker" });
    expect(req.headers["content-type"]).toBe("application/json");
    expect(req.headers["x-token"]).toBe("s3cret");
    expect(JSON.parse(req.body)).toMatchObject({
      event: "service_down",
      title: "alpha is down",
      service: "alpha",
      incidentKind: "down",
      severity: "critical",
      summary: "alpha is down: connection refused",
      detail: "connection refused",
      requirements: [],
    });
    const rows = alertRows(h.store);
    expect(rows.map((r) => [r.channel, r.delivered])).toEqual([
      ["log", 1],
      [`webhook:${receiver.url}/hooks/tracker`, 1],
    ]);
  });

  it("delivers an incident in the ntfy format: text body, Title, Priority and Tags headers", async () => {
    receiver = await webhookReceiver();
    h = await monitorHarness({
      incidents: { openAfter: 1, resolveAfter: 1 },
      alerts: { groupWindow: "20ms", webhooks: [{ url: `${receiver.url}/ai-stack`, format: "ntfy" }] },
      services: [service("alpha")],
    });
    h.set("alpha", result("down", { detail: "timeout after 5000 ms" }), result("up"));
    await h.monitor.probeOnce();
    await h.monitor.settled();
    h.clock.advance(90_000);
    await h.monitor.probeOnce();
    await h.monitor.settled();
    expect(receiver.received).toHaveLength(2);
    const [down, resolved] = receiver.received;
    expect(down!.headers).toMatchObject({ title: "alpha is down", priority: "5", tags: "rotating_light" });
    expect(down!.headers["content-type"]).toBe("text/plain; charset=utf-8");
    expect(down!.body).toMatch(/^alpha is down: timeout after 5000 ms\nIncident alpha-down-\d{8}T\d{6}Z \(critical\) opened 2026-11-25T10:00:00.000Z\.$/);
    expect(resolved!.headers).toMatchObject({ title: "alpha recovered", priority: "3", tags: "white_check_mark" });
    expect(resolved!.body).toContain("resolved after 1.5m");
  });

  it("sends ten services failing together as one grouped alert, not ten", async () => {
    receiver = await webhookReceiver();
    const names = Array.from({ length: 10 }, (_, i) => `svc-${i}`);
    h = await monitorHarness({
      incidents: { openAfter: 1 },
      alerts: {
        groupWindow: "500ms",
        webhooks: [
          { url: `${receiver.url}/json`, format: "json" },
          { url: `${receiver.url}/ntfy`, format: "ntfy" },
        ],
      },
      services: names.map((n) => service(n)),
    });
    for (const n of names) h.set(n, result("down", { detail: "connection refused" }));
    await h.monitor.probeOnce();
    await h.monitor.settled();
    expect(receiver.received.map((r) => r.path).sort()).toEqual(["/json", "/ntfy"]);
    const json = JSON.parse(receiver.received.find((r) => r.path === "/json")!.body);
    expect(json).toMatchObject({ event: "service_down", grouped: true, count: 10, title: "10 services are down" });
    expect(json.services).toEqual(names);
    expect(json.alerts).toHaveLength(10);
    const ntfy = receiver.received.find((r) => r.path === "/ntfy")!;
    expect(ntfy.headers.title).toBe("10 services are down");
    expect(ntfy.body.split("\n")).toHaveLength(10);
    // one delivery row per incident carried, per channel
    const webhookRows = alertRows(h.store).filter((r) => r.channel.startsWith("webhook:"));
    expect(webhookRows).toHaveLength(20);
    expect(webhookRows.every((r) => r.delivered === 1 && r.kind === "service_down")).toBe(true);
  });

  it("retries a webhook that answers 503 until it is delivered, recording every attempt", async () => {
    receiver = await webhookReceiver();
    receiver.behave({ fail: 2 });
    h = await monitorHarness({
      incidents: { openAfter: 1 },
      alerts: { groupWindow: "10ms", retryBackoff: "50ms", attempts: 5, webhooks: [{ url: `${receiver.url}/hook`, format: "json" }] },
      services: [service("alpha")],
    });
    h.set("alpha", result("down"));
    await h.monitor.probeOnce();
    await h.monitor.settled();
    expect(receiver.received).toHaveLength(3);
    const attempts = alertRows(h.store).filter((r) => r.channel.startsWith("webhook:"));
    expect(attempts.map((a) => [a.delivered, a.error])).toEqual([
      [0, "HTTP 503"],
      [0, "HTTP 503"],
      [1, null],
    ]);
  });

  it("keeps probing while a webhook hangs or refuses connections, and records the failed attempts", async () => {
    receiver = await webhookReceiver();
    receiver.behave("hang");
    const refused = await deadUrl();
    h = await monitorHarness({
      incidents: { openAfter: 1, resolveAfter: 1 },
      alerts: {
        groupWindow: "10ms",
        timeout: "2s",
        retryBackoff: "100ms",
        attempts: 2,
        webhooks: [
          { url: `${receiver.url}/hung`, format: "json" },
          { url: refused, format: "ntfy" },
        ],
      },
      services: [service("alpha")],
    });
    h.set("alpha", result("down"), result("up"), result("down"), result("up"));
    for (let i = 0; i < 4; i++) {
      await h.monitor.probeOnce();
      h.clock.advance(30_000);
      await new Promise((r) => setTimeout(r, 20));
    }
    // four probe cycles ran while the first delivery to the hung endpoint was still waiting for an answer
    expect(h.store.prepare(`SELECT count(*) AS n FROM observations`).get()).toEqual({ n: 4 });
    // Waited for rather than assumed: on a loaded machine the first request may not have arrived yet.
    await until(() => receiver!.received.length >= 1);
    expect(alertRows(h.store).filter((r) => r.channel.endsWith("/hung"))).toHaveLength(0);
    await h.monitor.settled();
    const webhookRows = alertRows(h.store).filter((r) => r.channel.startsWith("webhook:"));
    expect(webhookRows.length).toBeGreaterThanOrEqual(4);
    expect(webhookRows.every((r) => r.delivered === 0)).toBe(true);
    expect(webhookRows.some((r) => r.error === "timed out")).toBe(true);
    expect(webhookRows.some((r) => r.error?.startsWith("ECONNREFUSED"))).toBe(true);
    // each message was tried `attempts` times on each channel
    const perChannel = new Map<string, number>();
    for (const r of webhookRows.filter((r) => r.kind === "service_down" && r.incident_id === webhookRows[0]!.incident_id)) perChannel.set(r.channel, (perChannel.get(r.channel) ?? 0) + 1);
    expect([...perChannel.values()]).toEqual([2, 2]);
    await until(() => h!.logs.entries.some((e) => e.msg === "alert not delivered; giving up"));
  });

  it("drops the oldest message when the queue is full, and records it as not delivered", async () => {
    receiver = await webhookReceiver();
    receiver.behave({ fail: 1_000 });
    h = await monitorHarness({
      incidents: { openAfter: 1, resolveAfter: 1, remindEvery: "1ms" },
      alerts: { groupWindow: "1ms", retryBackoff: "1h", attempts: 5, queueSize: 2, webhooks: [{ url: `${receiver.url}/hook`, format: "json" }] },
      services: [service("alpha")],
    });
    h.set("alpha", result("down"));
    for (let i = 0; i < 6; i++) {
      await h.monitor.probeOnce();
      h.clock.advance(30_000);
      await until(() => receiver!.received.length >= i + 1);
    }
    await until(() => alertRows(h!.store).some((r) => r.error === "dropped: queue full"));
    expect(alertRows(h.store).filter((r) => r.error === "dropped: queue full").length).toBeGreaterThanOrEqual(1);
  });

  describe("across restarts", () => {
    const queued = (h: Harness) => h.store.prepare("SELECT count(*) FROM alert_queue").pluck().get();
    const config = (url: string) => ({
      incidents: { openAfter: 1 },
      alerts: { groupWindow: "10ms", timeout: "30s", webhooks: [{ url, format: "ntfy" as const, headers: { authorization: "Bearer s3cret" } }] },
      services: [service("alpha")],
    });

    it.each([
      { name: "a crash", stopFirst: false },
      { name: "a stop", stopFirst: true },
    ])("a message cut short by $name is sent after the next start, with the headers of the config", async ({ stopFirst }) => {
      receiver = await webhookReceiver();
      receiver.behave("hang");
      h = await monitorHarness(config(`${receiver.url}/hook`));
      h.set("alpha", result("down", { detail: "connection refused" }));
      await h.monitor.probeOnce();
      await until(() => receiver!.received.length === 1);
      expect(queued(h)).toBe(1);
      // A crash leaves the first monitor hanging where it was; a stop gives up on the hung request.
      if (stopFirst) await h.monitor.stop();
      expect(queued(h)).toBe(1);

      receiver.behave("ok");
      const next = h.newMonitor();
      await next.start();
      await until(() => receiver!.received.length === 2);
      const [first, again] = receiver.received;
      expect(again!.body).toBe(first!.body);
      expect(again!.headers).toMatchObject({ title: "alpha is down", authorization: "Bearer s3cret" });
      await until(() => queued(h!) === 0);
      expect(alertRows(h.store).filter((r) => r.channel.startsWith("webhook:") && r.delivered === 1)).toHaveLength(1);
      // The secret stays in the config file: the store holds the rendered message only.
      expect(JSON.stringify(h.store.prepare("SELECT * FROM alert_queue").all())).not.toContain("s3cret");
      // Nothing is sent twice once delivered.
      await next.stop();
      await h.newMonitor().start();
      await new Promise((r) => setTimeout(r, 100));
      expect(receiver.received).toHaveLength(2);
    });

    it("drops a waiting message whose webhook left the config, and records it as not delivered", async () => {
      receiver = await webhookReceiver();
      receiver.behave("hang");
      h = await monitorHarness(config(`${receiver.url}/old`));
      h.set("alpha", result("down"));
      await h.monitor.probeOnce();
      await until(() => receiver!.received.length === 1);
      await h.monitor.stop();
      // The next run's config points the alerts elsewhere.
      h.store.prepare("UPDATE alert_queue SET url = ?").run(`${receiver.url}/gone`);
      const next = h.newMonitor();
      await next.start();
      expect(queued(h)).toBe(0);
      expect(alertRows(h.store).at(-1)).toMatchObject({ kind: "service_down", channel: `webhook:${receiver.url}/gone`, delivered: 0, error: "dropped: webhook no longer configured" });
      expect(h.logs.entries.some((e) => e.msg === "undelivered webhook message dropped")).toBe(true);
    });
  });
});
