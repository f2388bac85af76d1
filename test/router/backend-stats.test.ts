import { describe, expect, it } from "vitest";
import { BackendStats } from "../../src/router/backend-stats.ts";

describe("BackendStats", () => {
  it("BackendStats counts in-flight requests and never goes below zero", () => {
    const s = new BackendStats(10_000);
    s.begin();
    s.begin();
    s.end("success", 10, 0);
    expect(s.inFlight).toBe(1);
    s.end("neutral", undefined, 0);
    s.end("neutral", undefined, 0);
    expect(s.inFlight).toBe(0);
  });

  it("BackendStats keeps an EWMA of successful latencies only", () => {
    const s = new BackendStats(10_000, 0.5);
    s.end("success", 100, 0);
    s.end("failure", 1, 0);
    s.end("success", 200, 0);
    expect(s.ewmaMs).toBe(150);
  });

  it.each([
    { name: "counts failures inside the window", events: [[0, "failure"], [1000, "success"], [2000, "failure"]] as const, at: 3000, requests: 3, failures: 2 },
    { name: "forgets requests older than the window", events: [[0, "failure"], [0, "failure"], [9_500, "success"]] as const, at: 10_500, requests: 1, failures: 0 },
    { name: "ignores neutral outcomes", events: [[0, "neutral"], [0, "failure"]] as const, at: 100, requests: 1, failures: 1 },
  ])("BackendStats.window() $name", ({ events, at, requests, failures }) => {
    const s = new BackendStats(10_000);
    for (const [t, outcome] of events) s.end(outcome, 5, t);
    expect(s.window(at)).toMatchObject({ requests, failures });
  });
});
