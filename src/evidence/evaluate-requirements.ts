import type { Config } from "../config/schema.ts";
import type { Db } from "../store/open-store.ts";
import { createMetricReader } from "./create-metric-reader.ts";
import { judgeParsed, type RequirementEvaluation, type RequirementInput } from "./evaluate-requirement.ts";
import { parseCriteria } from "./parse-criteria.ts";

/**
 * Evaluates requirements over the store at one instant. The readings are taken first, one after another (long
 * windows in slices, see metrics/store-query.ts), so the router sharing this process never waits behind a
 * whole pass; the judging then runs from the memoised readings.
 */
export async function evaluateRequirements(inputs: readonly RequirementInput[], deps: { store: Db; config: Config }, now: number): Promise<RequirementEvaluation[]> {
  const reader = createMetricReader(deps.store, deps.config, now);
  const services = deps.config.services.map((s) => s.name);
  const out: RequirementEvaluation[] = [];
  for (const input of inputs) {
    const parsed = parseCriteria(input.criteria, { services });
    if (parsed.errors.length === 0) for (const c of parsed.criteria) await reader.load(c);
    out.push(judgeParsed(input, parsed, reader.get, { config: deps.config, now }));
  }
  return out;
}
