import { afterEach, describe, expect, it } from "vitest";
import type { ServiceConfig } from "../../src/config/schema.ts";
import { emptyResult, type ProbeResult } from "../../src/probes/probe-kind.ts";
import type { RunProbeDeps } from "../../src/probes/run-probe.ts";
import { Scheduler, type ProbeOutcome, type SchedulerOptions } from "../../src/scheduler/scheduler.ts";
import { silentLogger } from "../../src/shared/logger.ts";

const svc = (name: string, over: Record<string, unknown> = {}): ServiceConfig =>
  ({ name, kind: "process", match: name, models: [], ...over }) as unknown as ServiceConfig;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await sleep(10);
  }
}

/** A fake probe that records calls and concurrency, and takes `delayMs` unless aborted. */
function fakeProbe(delayMs: (name: string) => number = () => 0) {
  const calls: { name: string; at: number; signal?: AbortSignal }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const perService = new Map<string, number>();
  let maxPerService = 0;
  const run = async (target: ServiceConfig, deps: RunProbeDeps): Promise<ProbeResult> => {
    calls.push({ name: target.name, at: Date.now(), signal: deps.signal });
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    perService.set(target.name, (perService.get(target.name) ?? 0) + 1);
    maxPerService = Math.max(maxPerService, perService.get(target.name)!);
    try {
      await new Promise<void>((resolve) => {
        const onAbort = () => {
          clearTimeout(t);
          resolve();
        };
        const t = setTimeout(() => {
          deps.signal?.removeEventListener("abort", onAbort);
          resolve();
        }, delayMs(target.name));
        deps.signal?.addEventListener("abort", onAbort, { once: true });
      });
      return { ...emptyResult("up", "ok"), latencyMs: 1 };
    } finally {
      inFlight--;
      perService.set(target.name, perService.get(target.name)! - 1);
    }
  };
  return { run, calls, stats: () => ({ maxInFlight, maxPerService }) };
}

describe("Scheduler", () => {
  let scheduler: Scheduler | undefined;
  afterEach(async () => {
    await scheduler?.stop();
    scheduler = undefined;
  });

  function make(over: Partial<SchedulerOptions> & Pick<SchedulerOptions, "services">): { outcomes: ProbeOutcome[]; s: Scheduler } {
    const outcomes: ProbeOutcome[] = [];
    scheduler = new Scheduler({
      intervalMs: 60_000,
      timeoutMs: 5000,
      concurrency: 8,
      fetch,
      logger: silentLogger(),
      now: Date.now,
      onResult: (o) => {
        outcomes.push(o);
      },
      staggerMs: 0,
      ...over,
    });
    return { outcomes, s: scheduler };
  }

  it("start() runs every service once at start, then again on its interval", async () => {
    const probe = fakeProbe();
    const { outcomes, s } = make({ services: [svc("a"), svc("b")], intervalMs: 150, runProbe: probe.run });
    await s.start();
    await until(() => outcomes.filter((o) => o.service.name === "a").length >= 3 && outcomes.filter((o) => o.service.name === "b").length >= 3);
    expect(outcomes[0]!.result.status).toBe("up");
  });

  it("start() uses a service's own interval over probe.interval", async () => {
    const probe = fakeProbe();
    const { outcomes, s } = make({ services: [svc("fast", { interval: "100ms" }), svc("slow")], intervalMs: 60_000, runProbe: probe.run });
    await s.start();
    await until(() => outcomes.filter((o) => o.service.name === "fast").length >= 4);
    expect(outcomes.filter((o) => o.service.name === "slow")).toHaveLength(1);
  });

  it("runAll() never has more probes in flight than the concurrency cap", async () => {
    const probe = fakeProbe(() => 100);
    const { s } = make({ services: ["a", "b", "c", "d", "e", "f"].map((n) => svc(n)), concurrency: 2, runProbe: probe.run });
    const outcomes = await s.runAll();
    expect(outcomes.map((o) => o.service.name).sort()).toEqual(["a", "b", "c", "d", "e", "f"]);
    expect(probe.stats().maxInFlight).toBe(2);
  });

  it("start() skips a run while the previous run of the same service is still going", async () => {
    const probe = fakeProbe((name) => (name === "hung" ? 600 : 0));
    const { outcomes, s } = make({ services: [svc("hung"), svc("ok")], intervalMs: 100, runProbe: probe.run });
    await s.start();
    await until(() => outcomes.filter((o) => o.service.name === "hung").length >= 2);
    expect(probe.stats().maxPerService).toBe(1);
    expect(s.skipped).toBeGreaterThan(0);
    // the hung service did not hold up the other one
    expect(outcomes.filter((o) => o.service.name === "ok").length).toBeGreaterThan(4);
  });

  it("start() staggers the first runs of consecutive services", async () => {
    const probe = fakeProbe();
    const { s } = make({ services: [svc("a"), svc("b"), svc("c")], staggerMs: 100, runProbe: probe.run });
    await s.start();
    await until(() => probe.calls.length >= 3);
    const [a, b, c] = probe.calls.map((x) => x.at);
    expect(b! - a!).toBeGreaterThanOrEqual(80);
    expect(c! - b!).toBeGreaterThanOrEqual(80);
  });

  it("stop() aborts probes in flight and hands no result over afterwards", async () => {
    const probe = fakeProbe(() => 30_000);
    const { outcomes, s } = make({ services: [svc("a"), svc("b"), svc("c")], concurrency: 2, runProbe: probe.run });
    await s.start();
    await until(() => probe.calls.length >= 2);
    await s.stop();
    expect(probe.calls.every((c) => c.signal?.aborted)).toBe(true);
    await sleep(50);
    expect(outcomes).toHaveLength(0);
    // the third, waiting for a slot, was cancelled rather than started
    expect(probe.calls).toHaveLength(2);
  });

  it("start() keeps probing when onResult throws", async () => {
    const probe = fakeProbe();
    let seen = 0;
    const { s } = make({
      services: [svc("a")],
      intervalMs: 50,
      runProbe: probe.run,
      onResult: () => {
        seen++;
        throw new Error("boom");
      },
    });
    await s.start();
    await until(() => seen >= 3);
  });

  it("addCron() runs a job on its cron expression until stop()", async () => {
    const { s } = make({ services: [] });
    let runs = 0;
    s.addCron({ name: "tick", schedule: "* * * * * *", run: async () => void runs++ });
    await s.start();
    await until(() => runs >= 1, 5000);
    await s.stop();
    const after = runs;
    await sleep(1500);
    expect(runs).toBe(after);
  });

  it("addCron() rejects an invalid expression, naming the job", () => {
    const { s } = make({ services: [] });
    expect(() => s.addCron({ name: "report", schedule: "every day", run: async () => undefined })).toThrow(/cron job "report"/);
  });
});
