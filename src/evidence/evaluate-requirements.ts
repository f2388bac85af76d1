import type { Config } from "../config/schema.ts";
import type { Db } from "../store/open-store.ts";
import { createMetricReader } from "./create-metric-reader.ts";
import { evaluateRequirement, type RequirementEvaluation, type RequirementInput } from "./evaluate-requirement.ts";

/**
 * Evaluates requirements over the store at one instant. better-sqlite3 is synchronous, so the event loop is
 * given back between requirements: the router shares this process and must not wait behind a whole pass.
 */
export async function evaluateRequirements(inputs: readonly RequirementInput[], deps: { store: Db; config: Config }, now: number): Promise<RequirementEvaluation[]> {
  const read = createMetricReader(deps.store, deps.config, now);
  const out: RequirementEvaluation[] = [];
  for (const input of inputs) {
    out.push(evaluateRequirement(input, read, { config: deps.config, now }));
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return out;
}
