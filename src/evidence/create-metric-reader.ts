import type { Config } from "../config/schema.ts";
import type { Db } from "../store/open-store.ts";
import { errorMessage } from "../shared/errors.ts";
import type { Criterion } from "./criterion.ts";
import { noData, type MetricReading } from "./metrics/metric.ts";
import { METRICS, type MetricRegistry } from "./metrics/registry.ts";

/**
 * Answers criteria from the store at one instant. Readings are memoised by metric, arguments and window, since
 * many requirements share criteria; make a new reader for each evaluation pass. A failing query (a store
 * written by a newer tracker, a locked file) is no data with the error as the reason, never a crash.
 */
export function createMetricReader(db: Db, config: Config, now: number, metrics: MetricRegistry = METRICS): (c: Criterion) => MetricReading {
  const memo = new Map<string, MetricReading>();
  return (c) => {
    const key = `${c.metric}\u0000${c.args.map((a) => a.value).join("\u0000")}\u0000${c.windowMs}`;
    let reading = memo.get(key);
    if (!reading) {
      const def = metrics.get(c.metric);
      if (!def) return noData(`unknown metric ${c.metric}`);
      try {
        reading = def.query({ db, config, args: c.args.map((a) => a.value), since: now - c.windowMs, until: now });
      } catch (err) {
        reading = noData(`store query failed: ${errorMessage(err)}`);
      }
      memo.set(key, reading);
    }
    return reading;
  };
}
