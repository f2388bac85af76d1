import { formatDuration } from "../shared/duration.ts";
import { thresholdText, type ComparisonOp, type Criterion } from "./criterion.ts";
import type { MetricDef, MetricReading, Source } from "./metrics/metric.ts";
import { formatInUnit, naturalUnit, roundSignificant } from "./units.ts";

export type CriterionResult = "pass" | "fail" | "unverified";

/** One criterion's verdict and the data that decided it. */
export interface CriterionEvaluation {
  /** Canonical criterion text. */
  criterion: string;
  critical: boolean;
  /** Line in the Criteria cell. */
  line: number;
  metric: string;
  source: Source;
  result: CriterionResult;
  /** The reading as shown, in the threshold's unit ("0.73ms", "97.1%", "true"); "" with no data. */
  measured: string;
  /** "< 2ms", "== true". */
  threshold: string;
  value: number | boolean | null;
  samples: number;
  /** The newest sample that counted, ms since the epoch; null with no data. */
  latestAt: number | null;
  window: string;
  windowMs: number;
  /** The newest sample may be at most this old (ms). */
  maxAgeMs: number;
  /** Why: the reading's detail, why there is no data, or why the data is too old. */
  reason: string;
}

export function compare(value: number | boolean, op: ComparisonOp, threshold: number | boolean): boolean {
  if (typeof value !== "number" || typeof threshold !== "number") {
    return op === "==" ? value === threshold : op === "!=" ? value !== threshold : false;
  }
  switch (op) {
    case "==":
      return value === threshold;
    case "!=":
      return value !== threshold;
    case "<":
      return value < threshold;
    case "<=":
      return value <= threshold;
    case ">":
      return value > threshold;
    case ">=":
      return value >= threshold;
  }
}

/** The reading as text, in the threshold's unit when it has one. */
export function formatMeasured(value: number | boolean, def: Pick<MetricDef, "unit">, unit: string): string {
  if (typeof value === "boolean") return String(value);
  if (def.unit === "ratio" || def.unit === "rate" || def.unit === "bool") return roundSignificant(value);
  return formatInUnit(value, def.unit, unit || naturalUnit(value, def.unit));
}

/**
 * Pure: turns a metric reading into pass, fail or unverified. No data, or a newest sample older than
 * `maxAgeMs`, is unverified, never a pass (and never a fail either: stale data proves nothing either way).
 */
export function judgeCriterion(c: Criterion, def: MetricDef, reading: MetricReading, now: number, maxAgeMs: number): CriterionEvaluation {
  const base = {
    criterion: c.text,
    critical: c.critical,
    line: c.line,
    metric: c.metric,
    source: def.source,
    threshold: thresholdText(c),
    window: c.window,
    windowMs: c.windowMs,
    maxAgeMs,
  };
  if (!reading.found) {
    return { ...base, result: "unverified", measured: "", value: null, samples: 0, latestAt: null, reason: reading.reason };
  }
  const measured = formatMeasured(reading.value, def, c.comparison.unit);
  const read = { measured, value: reading.value, samples: reading.samples, latestAt: reading.latestAt };
  const age = now - reading.latestAt;
  if (age > maxAgeMs) {
    return { ...base, ...read, result: "unverified", reason: `newest sample is ${formatDuration(age)} old; ${def.source} evidence must be under ${formatDuration(maxAgeMs)} old` };
  }
  const ok = compare(reading.value, c.comparison.op, c.comparison.value);
  return { ...base, ...read, result: ok ? "pass" : "fail", reason: reading.detail ?? "" };
}
