import type { Config } from "../config/schema.ts";
import type { Db } from "../store/open-store.ts";
import { errorMessage } from "../shared/errors.ts";
import type { Criterion } from "./criterion.ts";
import { noData, type MetricReading } from "./metrics/metric.ts";
import { METRICS } from "./metrics/registry.ts";

/** Readings of criteria at one instant, each taken once. */
export interface MetricReader {
  /** Takes the reading of the criterion's metric, arguments and window (once: later calls share it). */
  load(c: Criterion): Promise<MetricReading>;
  /** The reading `load` took; no data for a criterion not loaded. */
  get(c: Criterion): MetricReading;
}

const keyOf = (c: Criterion): string => `${c.metric}\u0000${c.args.map((a) => a.value).join("\u0000")}\u0000${c.windowMs}`;

/**
 * Answers criteria from the store at one instant. Readings are memoised by metric, arguments and window, since
 * many requirements share criteria; make a new reader for each evaluation pass. A failing query (a store
 * written by a newer tracker, a locked file) is no data with the error as the reason, never a crash.
 */
export function createMetricReader(db: Db, config: Config, now: number): MetricReader {
  const memo = new Map<string, Promise<MetricReading>>();
  const done = new Map<string, MetricReading>();
  return {
    load(c) {
      const key = keyOf(c);
      let pending = memo.get(key);
      if (!pending) {
        const def = METRICS.get(c.metric);
        pending = (async (): Promise<MetricReading> => {
          if (!def) return noData(`unknown metric ${c.metric}`);
          try {
            return await def.query({ db, config, args: c.args.map((a) => a.value), since: now - c.windowMs, until: now });
          } catch (err) {
            return noData(`store query failed: ${errorMessage(err)}`);
          }
        })().then((reading) => {
          done.set(key, reading);
          return reading;
        });
        memo.set(key, pending);
      }
      return pending;
    },
    get(c) {
      return done.get(keyOf(c)) ?? noData("not read");
    },
  };
}
