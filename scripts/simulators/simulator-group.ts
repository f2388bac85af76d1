import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import { definitionFor } from "./kinds.ts";
import { createSimulator, supportedModes } from "./shared/create-simulator.ts";
import { readBody, sendJson } from "./shared/http-io.ts";
import { SIMULATOR_MODES, type Simulator, type SimulatorKind, type SimulatorMode, type SimulatorOptions } from "./shared/types.ts";

export interface SimulatorGroupEntry {
  /** Service names this one server answers for (yolo and clip share one KServe server). */
  names: string[];
  kind: SimulatorKind;
  options?: SimulatorOptions;
}

export interface SimulatorGroup {
  /** Handles keyed by service name; names that share a server share a handle. */
  simulators: Record<string, Simulator>;
  /** The control server, e.g. http://127.0.0.1:4099: POST /services/<name>/mode {"mode":"down"}. */
  controlUrl: string;
  close(): Promise<void>;
}

const ModeBody = z.object({ mode: z.enum(SIMULATOR_MODES as [SimulatorMode, ...SimulatorMode[]]), delayMs: z.number().int().min(0).optional() });
const ModelsBody = z.object({ available: z.array(z.string()).optional(), loaded: z.array(z.string()).optional() });

/**
 * Starts several simulators and one control server that switches them at run time, even when a simulator is
 * down (its own /__sim routes are gone then).
 */
export async function startSimulatorGroup(
  entries: readonly SimulatorGroupEntry[],
  options: { controlPort?: number; host?: string } = {},
): Promise<SimulatorGroup> {
  const simulators: Record<string, Simulator> = {};
  const started: Simulator[] = [];
  const results = await Promise.allSettled(entries.map((e) => createSimulator(definitionFor(e.kind), { host: options.host, ...e.options }, definitionFor)));
  for (const [i, result] of results.entries()) {
    if (result.status === "fulfilled") {
      started.push(result.value);
      for (const name of entries[i].names) simulators[name] = result.value;
    }
  }
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) {
    await Promise.all(started.map((s) => s.close()));
    throw failed.reason;
  }

  const describe = (name: string, sim: Simulator) => ({ name, kind: sim.kind, url: sim.url, mode: sim.mode, modes: supportedModes(definitionFor(sim.kind)), requests: sim.requests.length });
  const control = createServer((req, res) => {
    void route(req, res).catch((err) => sendJson(res, 500, { error: (err as Error).message }));
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", "http://control.local").pathname;
    if (req.method === "GET" && (path === "/" || path === "/services")) {
      return sendJson(res, 200, { services: Object.entries(simulators).map(([n, s]) => describe(n, s)) });
    }
    const m = /^\/services\/([^/]+)(?:\/(mode|models))?$/.exec(path);
    const name = m ? decodeURIComponent(m[1]) : "";
    const sim = simulators[name];
    if (!m) return sendJson(res, 404, { error: `no route ${req.method} ${path}; try GET /services or POST /services/<name>/mode {"mode":"down"}` });
    if (!sim) return sendJson(res, 404, { error: `no service "${name}"; one of ${Object.keys(simulators).join(", ")}` });
    if (req.method === "GET" && !m[2]) return sendJson(res, 200, describe(name, sim));
    if (req.method !== "POST" || !m[2]) return sendJson(res, 405, { error: `use POST /services/${name}/mode or /models` });
    let value: unknown;
    try {
      value = JSON.parse((await readBody(req, 1024 * 1024)).toString("utf8") || "{}");
    } catch {
      return sendJson(res, 400, { error: `${path}: the body is not JSON, e.g. {"mode":"down"}` });
    }
    if (m[2] === "models") {
      const parsed = ModelsBody.safeParse(value);
      if (!parsed.success) return sendJson(res, 400, { error: `${path}: ${parsed.error.issues.map((i) => i.message).join("; ")}` });
      sim.setModels(parsed.data);
      return sendJson(res, 200, describe(name, sim));
    }
    const parsed = ModeBody.safeParse(value);
    if (!parsed.success) return sendJson(res, 400, { error: `${path}: mode must be one of ${SIMULATOR_MODES.join(", ")}` });
    try {
      await sim.setMode(parsed.data.mode, { delayMs: parsed.data.delayMs });
    } catch (err) {
      return sendJson(res, 400, { error: (err as Error).message });
    }
    sendJson(res, 200, describe(name, sim));
  }

  const host = options.host ?? "127.0.0.1";
  try {
    await new Promise<void>((resolve, reject) => {
      control.once("error", reject);
      control.listen(options.controlPort ?? 0, host, () => resolve());
    });
  } catch (err) {
    await Promise.all(started.map((s) => s.close()));
    throw new Error(`the simulator control server cannot listen on ${host}:${options.controlPort}: ${(err as Error).message}`, { cause: err });
  }
  const controlUrl = `http://${host}:${(control.address() as AddressInfo).port}`;
  return {
    simulators,
    controlUrl,
    async close() {
      await new Promise<void>((resolve) => {
        control.close(() => resolve());
        control.closeAllConnections();
      });
      await Promise.all(started.map((s) => s.close()));
    },
  };
}
