import { parseDuration } from "../../shared/duration.ts";
import { ALERT_METRICS } from "./alerts.ts";
import { AVAILABILITY_METRICS } from "./availability.ts";
import { BENCHMARK_METRICS } from "./benchmark.ts";
import { HEALTH_METRICS } from "./health.ts";
import { HOST_METRICS } from "./host.ts";
import { LATENCY_METRICS } from "./latency.ts";
import type { MetricDef } from "./metric.ts";
import { MODEL_METRICS } from "./model.ts";
import { PIPELINE_METRICS } from "./pipelines.ts";
import { ROUTER_METRICS } from "./router.ts";

export type MetricRegistry = ReadonlyMap<string, MetricDef>;

/**
 * Builds the one map of metrics keyed by each metric's own name; a duplicate name, a bad default window or an
 * optional argument before a required one is a programming error and throws at load.
 */
export function createMetricRegistry(defs: readonly MetricDef[]): MetricRegistry {
  const map = new Map<string, MetricDef>();
  for (const def of defs) {
    if (map.has(def.name)) throw new Error(`metric "${def.name}" registered twice`);
    if (!/^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/.test(def.name)) throw new Error(`metric "${def.name}": not a valid metric name`);
    if (!parseDuration(def.defaultWindow)) throw new Error(`metric "${def.name}": bad default window "${def.defaultWindow}"`);
    def.args.forEach((a, i) => {
      if (a.repeat && i !== def.args.length - 1) throw new Error(`metric "${def.name}": only the last argument may repeat`);
      if (!a.optional && def.args.slice(0, i).some((b) => b.optional)) throw new Error(`metric "${def.name}": required argument after an optional one`);
    });
    map.set(def.name, def);
  }
  return map;
}

/** Every metric the criteria language knows. */
export const METRICS: MetricRegistry = createMetricRegistry([
  ...AVAILABILITY_METRICS,
  ...LATENCY_METRICS,
  ...MODEL_METRICS,
  ...ROUTER_METRICS,
  ...PIPELINE_METRICS,
  ...HEALTH_METRICS,
  ...ALERT_METRICS,
  ...HOST_METRICS,
  ...BENCHMARK_METRICS,
]);
