import type { Config } from "../config/schema.ts";
import type { RequirementStatus } from "../workspace/databases.ts";
import { formatParseError, type Criterion, type ParseError, type ParseResult } from "./criterion.ts";
import { maxEvidenceAge } from "./evidence-age.ts";
import { judgeCriterion, type CriterionEvaluation, type CriterionResult } from "./judge-criterion.ts";
import type { MetricDef, MetricReading } from "./metrics/metric.ts";
import { METRICS } from "./metrics/registry.ts";
import { parseCriteria } from "./parse-criteria.ts";

/** A requirement as the engine reads it from the Requirements database. */
export interface RequirementInput {
  id: string;
  title: string;
  /** The Criteria cell: one criterion per line. */
  criteria: string;
}

export interface RequirementEvaluation {
  id: string;
  title: string;
  status: RequirementStatus;
  /** One line: why the status is what it is. */
  summary: string;
  criteria: CriterionEvaluation[];
  /** Parse errors; any makes the requirement Invalid. */
  errors: ParseError[];
  evaluatedAt: number;
}

/**
 * The status rules, pure. In order:
 *
 * | criteria                                         | status     |
 * | ------------------------------------------------ | ---------- |
 * | any line does not parse                          | Invalid    |
 * | no criteria at all                               | Unverified |
 * | a critical (`!`) criterion fails                 | Failing    |
 * | some fail and none passes (the rest unverified)  | Failing    |
 * | some fail, some pass                             | Degraded   |
 * | none fails, some unverified (no fresh evidence)  | Unverified |
 * | every criterion passes on fresh evidence         | Verified   |
 *
 * So a requirement is never Verified while any criterion fails or lacks fresh evidence, and a failure is never
 * hidden behind missing evidence elsewhere: measured failures outrank the unknown.
 */
export function decideStatus(errors: readonly ParseError[], results: readonly { result: CriterionResult; critical: boolean; criterion?: string }[]): { status: RequirementStatus; summary: string } {
  if (errors.length > 0) return { status: "Invalid", summary: `criteria do not parse: ${formatParseError(errors[0]!)}` };
  if (results.length === 0) return { status: "Unverified", summary: "no criteria" };
  const count = (r: CriterionResult) => results.filter((x) => x.result === r).length;
  const [pass, fail, unverified] = [count("pass"), count("fail"), count("unverified")];
  const tally = `${pass} of ${results.length} pass, ${fail} fail, ${unverified} unverified`;
  const critical = results.find((r) => r.critical && r.result === "fail");
  if (critical) return { status: "Failing", summary: `critical criterion fails${critical.criterion ? `: ${critical.criterion}` : ""}; ${tally}` };
  if (fail > 0 && pass === 0) return { status: "Failing", summary: tally };
  if (fail > 0) return { status: "Degraded", summary: tally };
  if (unverified > 0) return { status: "Unverified", summary: tally };
  return { status: "Verified", summary: results.length === 1 ? "the criterion passes on fresh evidence" : `all ${results.length} pass on fresh evidence` };
}

export interface EvaluateOptions {
  config: Pick<Config, "probe" | "services">;
  now: number;
}

/** Parses the criteria and judges each from the readings `read` returns: pure given those readings. */
export function evaluateRequirement(input: RequirementInput, read: (c: Criterion) => MetricReading, options: EvaluateOptions): RequirementEvaluation {
  return judgeParsed(input, parseCriteria(input.criteria, { services: options.config.services.map((s) => s.name) }), read, options);
}

/** Judges criteria already parsed from `input.criteria`, so a caller that parsed them to take readings need not parse again. */
export function judgeParsed(input: RequirementInput, parsed: ParseResult, read: (c: Criterion) => MetricReading, options: EvaluateOptions): RequirementEvaluation {
  const criteria =
    parsed.errors.length > 0
      ? []
      : parsed.criteria.map((c) => {
          const def = METRICS.get(c.metric)!;
          const reading = read(c);
          const services = reading.services ?? serviceArgs(c, def);
          return judgeCriterion(c, def, reading, options.now, maxEvidenceAge(def.source, services, options.config, c.windowMs));
        });
  const { status, summary } = decideStatus(parsed.errors, criteria);
  return { id: input.id, title: input.title, status, summary, criteria, errors: parsed.errors, evaluatedAt: options.now };
}

/** The arguments of a criterion that name services. */
function serviceArgs(c: Criterion, def: MetricDef): string[] {
  return c.args.filter((_, i) => def.args[Math.min(i, def.args.length - 1)]?.kind === "service").map((a) => a.value);
}
