import { createSimulator, supportedModes } from "./shared/create-simulator.ts";
import { definitionFor, SIMULATOR_DEFINITIONS } from "./kinds.ts";
import type { Simulator, SimulatorKind, SimulatorMode, SimulatorOptions } from "./shared/types.ts";

export type {
  AgentCardLocation, SimSettings, Simulator, SimulatorKind, SimulatorMode, SimulatorOptions,
} from "./shared/types.ts";
export { SIMULATOR_MODES } from "./shared/types.ts";
export { startSimulatorGroup, type SimulatorGroup, type SimulatorGroupEntry } from "./simulator-group.ts";
export { makeWav, readWav } from "./shared/wav.ts";
export { makePng } from "./shared/png.ts";
export { DEFAULT_REPLY } from "./shared/reply-text.ts";

/** Every kind that has a simulator. */
export const SIMULATOR_KINDS: readonly SimulatorKind[] = [...SIMULATOR_DEFINITIONS.keys()];

/** The modes a kind's simulator implements (setMode rejects the others). */
export function simulatorModes(kind: SimulatorKind): SimulatorMode[] {
  return supportedModes(definitionFor(kind));
}

/** Starts one simulated service on 127.0.0.1 (port 0 unless options.port is given). */
export function startSimulator(kind: SimulatorKind, options: SimulatorOptions = {}): Promise<Simulator> {
  return createSimulator(definitionFor(kind), options, definitionFor);
}
