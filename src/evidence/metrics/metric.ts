import type { Config } from "../../config/schema.ts";
import type { Db } from "../../store/open-store.ts";
import type { UnitKind } from "../units.ts";

/** Where a metric's evidence comes from; the Evidence database's Source column. */
export type Source = "probe" | "router" | "voice" | "vision" | "benchmark" | "monitor";

/** What an argument names: checked by the parser (alert kinds always, services when the config is known). */
export type ArgKind = "service" | "model" | "alertKind";

export interface ArgSpec {
  /** Shown in messages: `model.loaded(service, "model")`. */
  name: string;
  kind: ArgKind;
  optional?: boolean;
  /** Takes one or more of these (the last spec only). */
  repeat?: boolean;
}

/** What a store query found. `services` are the probed services it read, for the freshness rule. */
export type MetricReading =
  | {
      found: true;
      value: number | boolean;
      /** How many data points decided the value. */
      samples: number;
      /** The newest of those data points, ms since the epoch. */
      latestAt: number;
      /** One line for people: which service was worst, which model was loaded, … */
      detail?: string;
      services?: string[];
    }
  | { found: false; reason: string; services?: string[] };

export interface QueryContext {
  db: Db;
  config: Config;
  /** The criterion's arguments, in order. */
  args: readonly string[];
  /** The window: data with since <= at <= until counts. */
  since: number;
  until: number;
}

/** One metric of the criteria language: its shape for the parser, and the store query that answers it. */
export interface MetricDef {
  name: string;
  /** One line for `explain` and the docs; says how the value is computed. */
  description: string;
  /** The kind of value; decides which threshold units are accepted. Time is in ms, bytes in MB, percent 0–100. */
  unit: UnitKind;
  args: readonly ArgSpec[];
  /** The window when the criterion names none, e.g. "1h". */
  defaultWindow: string;
  source: Source;
  /** Answers from the store; a long window may be read in slices, giving the event loop a turn between them. */
  query(ctx: QueryContext): MetricReading | Promise<MetricReading>;
}

export function noData(reason: string, services?: string[]): MetricReading {
  return { found: false, reason, services };
}

/** How a metric is written, for messages and docs: `model.loaded(service, "model")`, `host.memory.used_pct([host, …])`. */
export function metricSignature(def: Pick<MetricDef, "name" | "args">): string {
  if (def.args.length === 0) return def.name;
  const args = def.args.map((a) => {
    const name = `${a.kind === "model" ? `"${a.name}"` : a.name}${a.repeat ? ", …" : ""}`;
    return a.optional ? `[${name}]` : name;
  });
  return `${def.name}(${args.join(", ")})`;
}
