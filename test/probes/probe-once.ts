import { expect, it } from "vitest";
import type { Simulator, SimulatorMode } from "../../scripts/simulators/index.ts";
import { ServiceSchema, type ServiceConfig } from "../../src/config/schema.ts";
import type { ProbeResult } from "../../src/probes/probe-kind.ts";
import { runProbe } from "../../src/probes/run-probe.ts";
import { silentLogger } from "../../src/shared/logger.ts";

/** A service entry as the config would hold it: validated by the kind's schema, defaults filled. */
export function serviceConfig(raw: Record<string, unknown>): ServiceConfig {
  return ServiceSchema.parse({ name: "svc", ...raw }) as ServiceConfig;
}

/** Generous on a loaded 2-core machine; the hung cases pass a short one of their own. */
export const TEST_TIMEOUT_MS = 8000;

/** One probe through runProbe, as the scheduler and `ai-tracker probe` run it. */
export function probeOnce(raw: Record<string, unknown>, timeoutMs = TEST_TIMEOUT_MS): Promise<ProbeResult> {
  return runProbe(serviceConfig(raw), { fetch: globalThis.fetch, logger: silentLogger(), now: Date.now, defaultTimeoutMs: timeoutMs });
}

/** The states every HTTP simulator has and what a probe must make of them (the kind's own states come on top). */
export const BROKEN_STATES = [
  { mode: "down", status: "down", detail: /connection refused/ },
  { mode: "garbage", status: "down", detail: /garbage|binary|not JSON/ },
  { mode: "error-500", status: "down", detail: /500/ },
  { mode: "error-200", status: "down", detail: /answered 200 with an error: simulated internal server error/ },
  { mode: "huge", status: "down", detail: /over the 1 MiB cap/ },
  { mode: "close", status: "down", detail: /closed the connection|reset|socket/ },
] as const;

/** A simulator that a suite starts in beforeAll: read through a getter, since it does not exist yet when tests register. */
type SimulatorRef = () => Pick<Simulator, "setMode">;

/** Registers one test per BROKEN_STATES entry: the simulator switched to it, one probe, the status and detail it must give. */
export function itReportsBrokenStates(sim: SimulatorRef, target: () => Record<string, unknown>, what = "server"): void {
  it.each(BROKEN_STATES)(`run() reports $status when the ${what} is in $mode mode`, async ({ mode, status, detail }) => {
    await sim().setMode(mode);
    const r = await probeOnce(target());
    expect(r.status).toBe(status);
    expect(r.detail).toMatch(detail);
  });
}

/** Registers the test that a hung service is down within the probe's own timeout (400 ms here), never later. */
export function itReportsHungAsDown(sim: SimulatorRef, target: () => Record<string, unknown>, what: string): void {
  it(`runProbe() turns a hung ${what} into down within the probe's timeout`, async () => {
    await sim().setMode("hung");
    const r = await probeOnce(target(), 400);
    expect(r.status).toBe("down");
    expect(r.detail).toMatch(/no answer within 400 ms/);
  });
}

/** One state of a kind's own: the simulator's mode, the models the probe expects (if any), and what it must report. */
export interface StateCase {
  name: string;
  mode: SimulatorMode;
  models?: readonly string[];
  status: string;
  detail: RegExp;
}

/** Registers one test per case: the simulator switched to its mode, one probe expecting the case's models. */
export function itReportsStates(sim: SimulatorRef, target: (extra?: Record<string, unknown>) => Record<string, unknown>, cases: readonly StateCase[]): void {
  it.each(cases)("run() reports $status when $name", async ({ mode, models, status, detail }) => {
    await sim().setMode(mode);
    const r = await probeOnce(target(models === undefined ? undefined : { models }));
    expect(r.status).toBe(status);
    expect(r.detail).toMatch(detail);
  });
}

/** Registers the test that another server answering in the simulator's place is wrong-service, never up. */
export function itReportsWrongService(sim: SimulatorRef, target: () => Record<string, unknown>, when: string, detail?: RegExp): void {
  it(`run() reports wrong-service when ${when}`, async () => {
    await sim().setMode("wrong-service");
    const r = await probeOnce(target());
    expect(r.status).toBe("wrong-service");
    if (detail) expect(r.detail).toMatch(detail);
  });
}
