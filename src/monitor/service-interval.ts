import { parseDuration } from "../shared/duration.ts";

/** The schema's default for probe.interval, for a config that was never parsed (both durations are validated). */
const DEFAULT_INTERVAL_MS = 30_000;

/** How often a service is checked: its own `interval`, else `probe.interval`. */
export function serviceIntervalMs(probe: { interval: string }, service: { interval?: string } | undefined): number {
  return parseDuration(service?.interval ?? probe.interval) ?? DEFAULT_INTERVAL_MS;
}
