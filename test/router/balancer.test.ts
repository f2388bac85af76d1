import { describe, expect, it } from "vitest";
import { rankCandidates, scoreCandidate, type CandidateView } from "../../src/router/balancer.ts";

const view = (name: string, over: Partial<CandidateView> = {}): CandidateView => ({
  name, order: 0, group: 0, health: "up", inFlight: 0, ewmaMs: 100, failures: 0, requests: 0, halfOpen: false, ...over,
});

describe("rankCandidates()", () => {
  it.each([
    { name: "prefers the faster backend", views: [view("slow", { ewmaMs: 400 }), view("fast", { ewmaMs: 50, order: 1 })], first: "fast" },
    { name: "prefers the idle backend over an equally fast busy one", views: [view("busy", { inFlight: 3 }), view("idle", { order: 1 })], first: "idle" },
    {
      name: "avoids a backend that fails fast although its successes are quicker",
      views: [view("flaky", { ewmaMs: 5, failures: 5, requests: 10 }), view("steady", { ewmaMs: 60, requests: 10, order: 1 })],
      first: "steady",
    },
    { name: "penalises a cold backend", views: [view("cold", { health: "cold", ewmaMs: 100 }), view("warm", { ewmaMs: 250, order: 1 })], first: "warm" },
    { name: "puts a backend the monitor calls down last, however fast", views: [view("down", { health: "down", ewmaMs: 1 }), view("up", { ewmaMs: 900, order: 1 })], first: "up" },
    { name: "tries the tier's own backends before the others", views: [view("other", { group: 1, ewmaMs: 1 }), view("member", { group: 0, ewmaMs: 500, order: 1 })], first: "member" },
    { name: "breaks ties by configured order", views: [view("second", { order: 1 }), view("first", { order: 0 })], first: "first" },
    { name: "tries an unmeasured backend once so it gets measured", views: [view("measured", { ewmaMs: 10 }), view("new", { ewmaMs: undefined, order: 1 })], first: "new" },
    { name: "does not try an unmeasured backend that is failing", views: [view("measured", { ewmaMs: 10 }), view("new", { ewmaMs: undefined, failures: 2, requests: 2, order: 1 })], first: "measured" },
    { name: "discounts a half-open backend's trial", views: [view("trial", { halfOpen: true }), view("normal", { ewmaMs: 200, order: 1 })], first: "normal" },
  ])("rankCandidates() $name", ({ views, first }) => {
    expect(rankCandidates(views)[0]!.name).toBe(first);
  });

  it("rankCandidates() returns a new array and leaves its input alone", () => {
    const input = [view("b", { ewmaMs: 300 }), view("a", { ewmaMs: 10 })];
    const ranked = rankCandidates(input);
    expect(ranked).not.toBe(input);
    expect(input.map((v) => v.name)).toEqual(["b", "a"]);
  });
});

describe("scoreCandidate()", () => {
  it("scoreCandidate() grows with error rate even when latency is tiny", () => {
    const clean = scoreCandidate(view("a", { ewmaMs: 5 }), 100);
    const failing = scoreCandidate(view("a", { ewmaMs: 5, failures: 8, requests: 8 }), 100);
    expect(failing).toBeGreaterThan(clean * 20);
  });
});
