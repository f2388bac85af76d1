import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import { BodyTooLargeError, readBody, send, sendHuge, sendJson, sleep } from "./http-io.ts";
import { ModelSet } from "./model-set.ts";
import { DEFAULT_REPLY } from "./reply-text.ts";
import {
  SIMULATOR_MODES, UNIVERSAL_MODES,
  type KindDefinition, type SimContext, type SimRequest, type SimSettings, type Simulator, type SimulatorKind,
  type SimulatorMode, type SimulatorOptions,
} from "./types.ts";

export const DEFAULT_SETTINGS: SimSettings = {
  delayMs: 3000,
  tokenDelayMs: 10,
  reply: DEFAULT_REPLY,
  loadMs: 100,
  hugeBytes: 32 * 1024 * 1024,
  agentCard: "agent-card.json",
};

const MAX_REQUESTS = 10_000;

/** What a "garbage" answer looks like unless the kind has its own: 200, claims JSON, is not. */
const GARBAGE_BODY = "\u0000\u00ff<html><body>#!garbage {{{ this is not json ]]] \u2603</body>";

const ModeBody = z.object({ mode: z.enum(SIMULATOR_MODES as [SimulatorMode, ...SimulatorMode[]]), delayMs: z.number().int().min(0).optional() });
const ModelsBody = z.object({ available: z.array(z.string()).optional(), loaded: z.array(z.string()).optional() });
const OptionsBody = z.object({
  delayMs: z.number().int().min(0).optional(),
  tokenDelayMs: z.number().int().min(0).optional(),
  reply: z.string().min(1).optional(),
  loadMs: z.number().int().min(0).optional(),
  hugeBytes: z.number().int().min(1).optional(),
  agentCard: z.enum(["agent-card.json", "agent.json", "both"]).optional(),
});

/** The modes a kind implements: the universal ones plus its own. */
export function supportedModes(def: KindDefinition): SimulatorMode[] {
  return SIMULATOR_MODES.filter((m) => UNIVERSAL_MODES.includes(m) || (def.modes as readonly string[]).includes(m));
}

/** Starts one simulated server: a real node:http listener whose behaviour follows the current mode. */
export async function createSimulator(
  def: KindDefinition,
  options: SimulatorOptions,
  lookup: (kind: SimulatorKind) => KindDefinition,
): Promise<Simulator> {
  const host = options.host ?? "127.0.0.1";
  const settings: SimSettings = { ...DEFAULT_SETTINGS, ...definedOnly(options) };
  const available = options.models ?? [...def.defaultModels];
  const initiallyLoaded = def.loadsAll ? available : options.models ? available.slice(0, 1) : [...(def.defaultLoaded ?? available.slice(0, 1))];
  const models = new ModelSet(available, options.loaded ?? initiallyLoaded);
  const requests: Simulator["requests"] = [];
  const loads = new Map<string, Promise<void>>();
  let mode: SimulatorMode = "up";
  let savedLoaded: string[] | undefined;
  let port = options.port ?? 0;
  let listening = false;
  let closed = false;
  let impostor: { def: KindDefinition; ctx: SimContext } | undefined;

  const ctx: SimContext = {
    kind: def.kind,
    get mode() { return mode; },
    get url() { return baseUrl(); },
    models,
    settings,
    state: new Map(),
    ensureLoaded: async (model) => {
      if (models.isLoaded(model)) return 0;
      const started = Date.now();
      let pending = loads.get(model);
      if (!pending) {
        pending = sleep(mode === "loading" ? settings.delayMs : settings.loadMs).then(() => {
          models.load(model);
          loads.delete(model);
        });
        loads.set(model, pending);
      }
      await pending;
      return Date.now() - started;
    },
  };

  const server = createServer({ noDelay: true }, (raw, res) => {
    void handle(raw, res).catch((err) => fail(res, err));
  });
  server.keepAliveTimeout = 5_000;

  function baseUrl(): string {
    return `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  }

  function impostorHandler(): { def: KindDefinition; ctx: SimContext } {
    if (!impostor) {
      const other = lookup(def.kind === def.impostor ? "openai-compatible" : def.impostor);
      const otherModels = new ModelSet(other.defaultModels, other.loadsAll ? other.defaultModels : (other.defaultLoaded ?? other.defaultModels.slice(0, 1)));
      impostor = { def: other, ctx: { ...ctx, kind: other.kind, mode: "up", url: baseUrl(), models: otherModels, state: new Map(), ensureLoaded: async (m) => (otherModels.load(m), 0) } };
    }
    return impostor;
  }

  async function handle(raw: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(raw.url ?? "/", "http://simulator.local");
    if (url.pathname.startsWith("/__sim/")) return control(raw, res, url.pathname);
    requests.push({ method: raw.method ?? "GET", path: url.pathname, at: Date.now() });
    // A demo can run for days; keep the log bounded.
    if (requests.length > MAX_REQUESTS) requests.splice(0, requests.length - MAX_REQUESTS);
    let cached: Promise<Buffer> | undefined;
    const req: SimRequest = { method: raw.method ?? "GET", path: url.pathname, query: url.searchParams, raw, body: () => (cached ??= readBody(raw)) };
    switch (mode) {
      case "hung":
        return; // the socket stays open and silent until the client gives up or the simulator closes
      case "close":
        raw.socket.destroy();
        return;
      case "garbage":
        if (!(await def.garbage?.(req, res, ctx))) send(res, { status: 200, contentType: "application/json", body: GARBAGE_BODY });
        return;
      case "error-500":
        send(res, def.errorReply(500, "simulated internal server error"));
        return;
      case "error-200":
        send(res, { ...def.errorReply(500, "simulated internal server error"), status: 200 });
        return;
      case "huge":
        return sendHuge(res, settings.hugeBytes);
      case "wrong-service": {
        const other = impostorHandler();
        await other.def.handle(req, res, other.ctx);
        return;
      }
      case "slow":
        await sleep(settings.delayMs);
        break;
      default:
        break;
    }
    await def.handle(req, res, ctx);
    if (!res.headersSent && !res.destroyed) send(res, def.errorReply(500, `the ${def.kind} simulator did not answer ${req.method} ${req.path}`));
  }

  function fail(res: ServerResponse, err: unknown): void {
    if (res.headersSent || res.destroyed) {
      res.destroy();
      return;
    }
    if (err instanceof BodyTooLargeError) send(res, def.errorReply(413, err.message));
    else send(res, def.errorReply(500, `simulator failure: ${(err as Error).message}`));
  }

  async function control(raw: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const route = `${raw.method} ${path}`;
    if (route === "GET /__sim/state") return sendJson(res, 200, state());
    if (route === "GET /__sim/requests") return sendJson(res, 200, { requests });
    const schema = route === "POST /__sim/mode" ? ModeBody : route === "POST /__sim/models" ? ModelsBody : route === "POST /__sim/options" ? OptionsBody : undefined;
    if (!schema) return sendJson(res, 404, { error: `no simulator control route ${route}; try GET /__sim/state or POST /__sim/mode {"mode":"down"}` });
    const body = await readBody(raw, 1024 * 1024);
    let value: unknown;
    try {
      value = JSON.parse(body.toString("utf8") || "{}");
    } catch {
      return sendJson(res, 400, { error: `${path}: the body is not JSON` });
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) return sendJson(res, 400, { error: `${path}: ${parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ")}` });
    if (schema === ModeBody) {
      const { mode: next, delayMs } = parsed.data as z.infer<typeof ModeBody>;
      if (!supportedModes(def).includes(next)) return sendJson(res, 400, { error: unsupported(next) });
      // Answer first: "down" drops every connection, this one included.
      res.on("finish", () => void simulator.setMode(next, { delayMs }).catch(() => undefined));
      return sendJson(res, 200, { ...state(), mode: next });
    }
    if (schema === ModelsBody) simulator.setModels(parsed.data as z.infer<typeof ModelsBody>);
    else simulator.setOptions(parsed.data as z.infer<typeof OptionsBody>);
    sendJson(res, 200, state());
  }

  function state() {
    return { kind: def.kind, mode, url: baseUrl(), port, modes: supportedModes(def), models: models.snapshot(), settings: { ...settings }, requests: requests.length };
  }

  function unsupported(next: string): string {
    return `the ${def.kind} simulator has no "${next}" mode; it supports ${supportedModes(def).join(", ")}`;
  }

  async function listen(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await new Promise<void>((resolve, reject) => {
          server.once("error", reject);
          server.listen(port, host, () => {
            server.off("error", reject);
            resolve();
          });
        });
        break;
      } catch (err) {
        // Re-listening right after a close can race the kernel; a port someone else took is a real error.
        if ((err as NodeJS.ErrnoException).code !== "EADDRINUSE" || attempt >= 20 || !port) {
          throw new Error(`${def.kind} simulator cannot listen on ${host}:${port}: ${(err as Error).message}`, { cause: err });
        }
        await sleep(100);
      }
    }
    port = (server.address() as AddressInfo).port;
    listening = true;
  }

  async function stopListening(): Promise<void> {
    if (!listening) return;
    listening = false;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  let switching: Promise<void> = Promise.resolve();

  async function switchMode(next: SimulatorMode, delayMs: number | undefined): Promise<void> {
    if (closed) throw new Error(`the ${def.kind} simulator is closed`);
    if (!SIMULATOR_MODES.includes(next)) throw new Error(`unknown simulator mode "${next}"; one of ${SIMULATOR_MODES.join(", ")}`);
    if (!supportedModes(def).includes(next)) throw new Error(unsupported(next));
    if (delayMs !== undefined) settings.delayMs = delayMs;
    const clears = next === "unloaded" || next === "loading";
    if (clears && savedLoaded === undefined) savedLoaded = models.unloadAll();
    if (!clears && savedLoaded !== undefined) {
      for (const name of savedLoaded) models.load(name);
      savedLoaded = undefined;
    }
    mode = next;
    if (next === "down") await stopListening();
    else if (!listening) await listen();
  }

  const simulator: Simulator = {
    kind: def.kind,
    get url() { return baseUrl(); },
    get port() { return port; },
    get mode() { return mode; },
    requests,
    setMode(next, opts) {
      // One switch at a time: a "down" must finish closing before an "up" listens again.
      const run = switching.then(() => switchMode(next, opts?.delayMs));
      switching = run.catch(() => undefined);
      return run;
    },
    setModels(next) {
      models.set(next);
      if (next.loaded) savedLoaded = undefined;
    },
    setOptions(next) {
      Object.assign(settings, definedOnly(next));
    },
    async close() {
      closed = true;
      await switching;
      await stopListening();
    },
  };

  await listen();
  return simulator;
}

function definedOnly(options: Partial<SimSettings> | SimulatorOptions): Partial<SimSettings> {
  const out: Partial<SimSettings> = {};
  for (const key of Object.keys(DEFAULT_SETTINGS) as (keyof SimSettings)[]) {
    const value = (options as Record<string, unknown>)[key];
    if (value !== undefined) (out as Record<string, unknown>)[key] = value;
  }
  return out;
}
