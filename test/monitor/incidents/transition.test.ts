import { describe, expect, it } from "vitest";
import type { ProbeStatus } from "../../../src/probes/probe-kind.ts";
import {
  INITIAL_STATE,
  downEvent,
  transition,
  type IncidentEffect,
  type IncidentEvent,
  type IncidentState,
} from "../../../src/monitor/incidents/transition.ts";

const CONFIG = { openAfter: 3, resolveAfter: 2, remindEveryMs: 60_000 };
const S = (over: Partial<IncidentState> = {}): IncidentState => ({ ...INITIAL_STATE, ...over });

/** Runs a sequence of events one second apart and collects every effect with the step it came at. */
function run(events: IncidentEvent[], start: IncidentState = INITIAL_STATE, stepMs = 1000, config = CONFIG) {
  let state = start;
  const effects: string[] = [];
  events.forEach((e, i) => {
    const out = transition(state, e, 1_000_000 + i * stepMs, config);
    state = out.state;
    for (const eff of out.effects) effects.push(`${i}:${eff}`);
  });
  return { state, effects };
}

const F: IncidentEvent = "failure";
const OK: IncidentEvent = "success";

describe("transition()", () => {
  it.each<{ name: string; state: IncidentState; event: IncidentEvent; now: number; expected: IncidentState; effects: IncidentEffect[] }>([
    { name: "counts a first failure", state: S(), event: F, now: 10, expected: S({ failures: 1 }), effects: [] },
    { name: "opens on the openAfter-th failure", state: S({ failures: 2 }), event: F, now: 10, expected: S({ failures: 3, triggered: true, openedAt: 10, notifiedAt: 10 }), effects: ["open"] },
    { name: "stays quiet on a failure while open within the reminder interval", state: S({ failures: 3, triggered: true, openedAt: 10, notifiedAt: 10 }), event: F, now: 59_999, expected: S({ failures: 4, triggered: true, openedAt: 10, notifiedAt: 10 }), effects: [] },
    { name: "reminds on a failure once the reminder interval has passed", state: S({ failures: 3, triggered: true, openedAt: 10, notifiedAt: 10 }), event: F, now: 60_010, expected: S({ failures: 4, triggered: true, openedAt: 10, notifiedAt: 60_010 }), effects: ["remind"] },
    { name: "resets failures on a success", state: S({ failures: 2 }), event: OK, now: 10, expected: S({ successes: 1 }), effects: [] },
    { name: "does not resolve on the first success while open", state: S({ failures: 5, triggered: true, openedAt: 1, notifiedAt: 1 }), event: OK, now: 10, expected: S({ successes: 1, triggered: true, openedAt: 1, notifiedAt: 1 }), effects: [] },
    { name: "resolves on the resolveAfter-th success", state: S({ successes: 1, triggered: true, openedAt: 1, notifiedAt: 1 }), event: OK, now: 10, expected: S({ successes: 2 }), effects: ["resolve"] },
    { name: "caps successes when nothing is open so a steady state does not change", state: S({ successes: 2 }), event: OK, now: 10, expected: S({ successes: 2 }), effects: [] },
    { name: "resets successes on a failure while open", state: S({ successes: 1, triggered: true, openedAt: 1, notifiedAt: 1 }), event: F, now: 10, expected: S({ failures: 1, triggered: true, openedAt: 1, notifiedAt: 1 }), effects: [] },
  ])("$name", ({ state, event, now, expected, effects }) => {
    const out = transition(state, event, now, CONFIG);
    expect(out.state).toEqual(expected);
    expect(out.effects).toEqual(effects);
  });

  it.each<{ name: string; events: IncidentEvent[]; effects: string[]; open: boolean }>([
    { name: "two failures then recovery never open", events: [F, F, OK, F, F, OK], effects: [], open: false },
    { name: "three failures open once, however long it stays down", events: [F, F, F, F, F, F], effects: ["2:open"], open: true },
    { name: "a flapping service open does not resolve on alternating results", events: [F, F, F, OK, F, OK, F], effects: ["2:open"], open: true },
    { name: "open then two successes resolve once", events: [F, F, F, OK, OK, OK, OK], effects: ["2:open", "4:resolve"], open: false },
    { name: "a second outage opens a second incident", events: [F, F, F, OK, OK, F, F, F], effects: ["2:open", "4:resolve", "7:open"], open: true },
  ])("over a sequence: $name", ({ events, effects, open }) => {
    const out = run(events);
    expect(out.effects).toEqual(effects);
    expect(out.state.triggered).toBe(open);
  });

  it("reminds every remindEvery while failures continue", () => {
    const out = run([F, F, F, F, F, F, F, F], INITIAL_STATE, 30_000);
    // opened at step 2 (t=60s); reminders at t>=120s (step 4) and t>=180s (step 6)
    expect(out.effects).toEqual(["2:open", "4:remind", "6:remind"]);
  });

  it("with openAfter 1 and resolveAfter 1 opens and resolves on single events", () => {
    const out = run([F, OK], INITIAL_STATE, 1000, { openAfter: 1, resolveAfter: 1, remindEveryMs: 1 });
    expect(out.effects).toEqual(["0:open", "1:resolve"]);
  });
});

describe("downEvent()", () => {
  it.each<{ status: ProbeStatus; event: IncidentEvent }>([
    { status: "up", event: "success" },
    { status: "cold", event: "success" },
    { status: "degraded", event: "success" },
    { status: "down", event: "failure" },
    { status: "wrong-service", event: "failure" },
  ])("maps $status to $event", ({ status, event }) => {
    expect(downEvent(status)).toBe(event);
  });
});
