import { describe, expect, it } from "vitest";
import { canPass, CLOSED, nextBreaker, type BreakerEvent, type BreakerSettings, type BreakerState } from "../../src/router/circuit-breaker.ts";

const cfg: BreakerSettings = { failures: 3, errorRate: 0.5, minRequests: 10, cooldownMs: 1000 };
const fail = (rate = 0, requests = 0): BreakerEvent => ({ type: "failure", windowErrorRate: rate, windowRequests: requests });
const open = (at: number, failures = 3): BreakerState => ({ phase: "open", consecutiveFailures: failures, openedAt: at, trialInFlight: false });

function run(events: [BreakerEvent, number][], from: BreakerState = CLOSED): BreakerState {
  return events.reduce((s, [ev, now]) => nextBreaker(s, ev, now, cfg), from);
}

describe("nextBreaker()", () => {
  it.each([
    { name: "stays closed below the failure count", events: [[fail(), 1], [fail(), 2]] as [BreakerEvent, number][], phase: "closed", failures: 2 },
    { name: "opens after N failures in a row", events: [[fail(), 1], [fail(), 2], [fail(), 3]] as [BreakerEvent, number][], phase: "open", failures: 3 },
    { name: "a success resets the count", events: [[fail(), 1], [fail(), 2], [{ type: "success" }, 3], [fail(), 4]] as [BreakerEvent, number][], phase: "closed", failures: 1 },
    { name: "opens on the error rate once the window has enough requests", events: [[fail(0.6, 10), 1]] as [BreakerEvent, number][], phase: "open", failures: 1 },
    { name: "ignores a high error rate over too few requests", events: [[fail(1, 5), 1]] as [BreakerEvent, number][], phase: "closed", failures: 1 },
    { name: "ignores a low error rate", events: [[fail(0.2, 100), 1]] as [BreakerEvent, number][], phase: "closed", failures: 1 },
  ])("nextBreaker() $name", ({ events, phase, failures }) => {
    const s = run(events);
    expect(s.phase).toBe(phase);
    expect(s.consecutiveFailures).toBe(failures);
  });

  it("nextBreaker() half-opens on the first request after the cool-down and closes when the trial succeeds", () => {
    let s = open(1000);
    expect(canPass(s, 1999, cfg)).toBe(false);
    expect(canPass(s, 2000, cfg)).toBe(true);
    s = nextBreaker(s, { type: "request" }, 2000, cfg);
    expect(s).toMatchObject({ phase: "half-open", trialInFlight: true });
    expect(canPass(s, 2001, cfg)).toBe(false);
    s = nextBreaker(s, { type: "success" }, 2100, cfg);
    expect(s).toEqual(CLOSED);
  });

  it("nextBreaker() reopens with a fresh cool-down when the trial fails", () => {
    let s = nextBreaker(open(1000), { type: "request" }, 2500, cfg);
    s = nextBreaker(s, fail(), 2600, cfg);
    expect(s).toMatchObject({ phase: "open", openedAt: 2600, trialInFlight: false });
    expect(canPass(s, 3000, cfg)).toBe(false);
    expect(canPass(s, 3600, cfg)).toBe(true);
  });

  it("nextBreaker() frees the trial slot when the trial proves nothing", () => {
    let s = nextBreaker(open(0), { type: "request" }, 1000, cfg);
    s = nextBreaker(s, { type: "neutral" }, 1001, cfg);
    expect(s).toMatchObject({ phase: "half-open", trialInFlight: false });
    expect(canPass(s, 1002, cfg)).toBe(true);
  });

  it("nextBreaker() returns the same object when nothing changes", () => {
    expect(nextBreaker(CLOSED, { type: "success" }, 1, cfg)).toBe(CLOSED);
    expect(nextBreaker(CLOSED, { type: "request" }, 1, cfg)).toBe(CLOSED);
  });

  it("nextBreaker() never mutates the state it is given", () => {
    const s = Object.freeze(open(0));
    expect(() => nextBreaker(s, { type: "request" }, 5000, cfg)).not.toThrow();
    expect(s.phase).toBe("open");
  });
});
