import type { ServiceConfig } from "../config/schema.ts";
import type { ProbeResult } from "../probes/probe-kind.ts";

export interface ServiceState {
  service: ServiceConfig;
  result: ProbeResult;
  /** When the probe finished, ms since the epoch. */
  at: number;
}

/**
 * The latest probe result per service, in memory: the router reads it to weigh backends, the board and
 * /metrics to show them. The monitor is its only writer.
 */
export class LiveState {
  private readonly states = new Map<string, ServiceState>();
  private readonly listeners = new Set<(state: ServiceState) => void>();

  update(service: ServiceConfig, result: ProbeResult, at: number): void {
    const state = { service, result, at };
    this.states.set(service.name, state);
    for (const l of this.listeners) l(state);
  }

  get(name: string): ServiceState | undefined {
    return this.states.get(name);
  }

  all(): ServiceState[] {
    return [...this.states.values()];
  }

  /** Calls back after every update; returns the unsubscribe function. */
  subscribe(listener: (state: ServiceState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
