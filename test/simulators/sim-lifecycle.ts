import { afterEach } from "vitest";
import { startSimulator, type Simulator, type SimulatorKind, type SimulatorOptions } from "../../scripts/simulators/index.ts";

/** A starter that closes every simulator it started after each test. */
export function simulators(kind: SimulatorKind, defaults: SimulatorOptions = {}): (options?: SimulatorOptions) => Promise<Simulator> {
  const opened: Simulator[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
  });
  return async (options = {}) => {
    const sim = await startSimulator(kind, { tokenDelayMs: 0, ...defaults, ...options });
    opened.push(sim);
    return sim;
  };
}
