import type { Config } from "../config/schema.ts";
import type { Db } from "../store/open-store.ts";
import { createMetricReader } from "./create-metric-reader.ts";
import { evaluateRequirement, type RequirementEvaluation, type RequirementInput } from "./evaluate-requirement.ts";
import { parseCriteria } from "./parse-criteria.ts";

const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Evaluates requirements over the store at one instant. better-sqlite3 is synchronous, so every reading is
 * taken on its own turn of the event loop (the router shares this process and must not wait behind a whole
 * pass); the judging then runs from the memoised readings.
 */
export async function evaluateRequirements(inputs: readonly RequirementInput[], deps: { store: Db; config: Config }, now: number): Promise<RequirementEvaluation[]> {
  const read = createMetricReader(deps.store, deps.config, now);
  const services = deps.config.services.map((s) => s.name);
  const out: RequirementEvaluation[] = [];
  for (const input of inputs) {
    const parsed = parseCriteria(input.criteria, { services });
    if (parsed.errors.length === 0) {
      for (const c of parsed.criteria) {
        read(c);
        await yieldToLoop();
      }
    }
    out.push(evaluateRequirement(input, read, { config: deps.config, now }));
  }
  return out;
}
