/** The parsed form of one line of a requirement's Criteria cell (DESIGN.md section 4). */

export type ComparisonOp = "<" | "<=" | ">" | ">=" | "==" | "!=";

/** Longest first, so `<=` is read before `<`. */
export const COMPARISON_OPS: readonly ComparisonOp[] = ["<=", ">=", "==", "!=", "<", ">"];

export interface CriterionArg {
  value: string;
  /** Written as a "quoted string" rather than a bare name. */
  quoted: boolean;
  /** 1-based column where the argument starts. */
  column: number;
}

export interface Comparison {
  op: ComparisonOp;
  /** In the metric's base unit (ms, %, MB, plain number) or a boolean. */
  value: number | boolean;
  /** The unit as written ("" for none); readings are shown in the same unit. */
  unit: string;
  /** The threshold as written, canonical: `2ms`, `99.5%`, `true`. */
  text: string;
  /** A boolean metric written alone, which means `== true`. */
  implicit: boolean;
}

export interface Criterion {
  /** 1-based line in the Criteria cell. */
  line: number;
  /** Canonical text (one space around the operator, no comment, no critical mark); the Evidence row key uses it. */
  text: string;
  /** Marked with a leading `!`: when it fails, the requirement is Failing whatever the others say. */
  critical: boolean;
  metric: string;
  args: CriterionArg[];
  comparison: Comparison;
  /** The window in ms: as written after `over`, else the metric's default. */
  windowMs: number;
  /** The window as text, e.g. "1h". */
  window: string;
  /** False when the metric's default window applies. */
  windowExplicit: boolean;
}

export interface ParseError {
  /** 1-based line and column of the problem. */
  line: number;
  column: number;
  message: string;
}

export interface ParseResult {
  criteria: Criterion[];
  /** At most one per line: the first problem found on it. */
  errors: ParseError[];
}

/** `line 2:14: unknown metric …`, as shown on the card. */
export function formatParseError(e: ParseError): string {
  return `line ${e.line}:${e.column}: ${e.message}`;
}

/** `< 2ms`, `== true`: the threshold as the Evidence database shows it. */
export function thresholdText(c: Criterion): string {
  return `${c.comparison.op} ${c.comparison.text}`;
}
