import { isFailure, type ProbeStatus } from "../../probes/probe-kind.ts";

/** What one observation says about a condition (a service being down, a host resource, a latency baseline). */
export type IncidentEvent = "failure" | "success";

/** What the caller must carry out after a transition. */
export type IncidentEffect = "open" | "remind" | "resolve";

/** One condition's counters, persisted between runs so a restart neither re-notifies nor loses a resolve. */
export interface IncidentState {
  /** Failures in a row (reset by a success). */
  failures: number;
  /** Successes in a row (reset by a failure), capped at resolveAfter so a steady state does not change. */
  successes: number;
  /** True while an incident is open. */
  triggered: boolean;
  /** When the open incident was opened, ms since the epoch. */
  openedAt: number | null;
  /** When the last open or reminder went out. */
  notifiedAt: number | null;
}

export interface TransitionConfig {
  openAfter: number;
  resolveAfter: number;
  remindEveryMs: number;
}

export const INITIAL_STATE: IncidentState = Object.freeze({ failures: 0, successes: 0, triggered: false, openedAt: null, notifiedAt: null });

/**
 * Counters against thresholds (Gatus watchdog/alerting.go): `openAfter` failures in a row open, `resolveAfter`
 * successes in a row resolve, and while open a failure at least `remindEveryMs` after the last notice reminds.
 * Pure: the caller persists the state and carries out the effects.
 */
export function transition(
  state: IncidentState,
  event: IncidentEvent,
  now: number,
  config: TransitionConfig,
): { state: IncidentState; effects: IncidentEffect[] } {
  if (event === "failure") {
    const next: IncidentState = { ...state, failures: state.failures + 1, successes: 0 };
    if (!state.triggered) {
      if (next.failures < config.openAfter) return { state: next, effects: [] };
      return { state: { ...next, triggered: true, openedAt: now, notifiedAt: now }, effects: ["open"] };
    }
    if (state.notifiedAt === null || now - state.notifiedAt >= config.remindEveryMs) {
      return { state: { ...next, notifiedAt: now }, effects: ["remind"] };
    }
    return { state: next, effects: [] };
  }
  const next: IncidentState = { ...state, failures: 0, successes: Math.min(state.successes + 1, config.resolveAfter) };
  if (state.triggered && next.successes >= config.resolveAfter) {
    return { state: { ...next, triggered: false, openedAt: null, notifiedAt: null }, effects: ["resolve"] };
  }
  return { state: next, effects: [] };
}

/** A probe status as an event for the service-down condition: `cold` and `degraded` answer, so they are not failures. */
export function downEvent(status: ProbeStatus): IncidentEvent {
  return isFailure(status) ? "failure" : "success";
}
