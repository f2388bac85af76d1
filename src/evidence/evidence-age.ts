import type { Config } from "../config/schema.ts";
import { serviceIntervalMs } from "../monitor/service-interval.ts";
import type { Source } from "./metrics/metric.ts";

/** How many check intervals old probe evidence may be before it no longer counts. */
export const FRESH_INTERVALS = 3;

/**
 * How old the newest sample of a criterion may be. Probe evidence must be newer than three check intervals of
 * the slowest service it read (its own `interval`, else probe.interval): a service no longer probed proves
 * nothing. Router, pipeline, benchmark and monitor evidence counts anywhere in its window.
 */
export function maxEvidenceAge(source: Source, services: readonly string[], config: Pick<Config, "probe" | "services">, windowMs: number): number {
  if (source !== "probe") return windowMs;
  const names = services.length > 0 ? services : config.services.map((s) => s.name);
  if (names.length === 0) return FRESH_INTERVALS * serviceIntervalMs(config.probe, undefined);
  return FRESH_INTERVALS * Math.max(...names.map((n) => serviceIntervalMs(config.probe, config.services.find((s) => s.name === n))));
}
