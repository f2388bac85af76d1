import type { Config } from "../config/schema.ts";
import { parseDuration } from "../shared/duration.ts";
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
  const fallback = parseDuration(config.probe.interval) ?? 30_000;
  const byName = new Map(config.services.map((s) => [s.name, s] as const));
  const names = services.length > 0 ? services : config.services.map((s) => s.name);
  if (names.length === 0) return FRESH_INTERVALS * fallback;
  return FRESH_INTERVALS * Math.max(...names.map((n) => parseDuration(byName.get(n)?.interval ?? "") ?? fallback));
}
