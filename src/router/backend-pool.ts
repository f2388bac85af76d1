import type { Config, ServiceConfig } from "../config/schema.ts";
import { isLoopback } from "../config/schema.ts";
import type { LiveState } from "../monitor/live-state.ts";
import { parseDuration } from "../shared/duration.ts";
import type { Logger } from "../shared/logger.ts";
import { BackendStats, type AttemptOutcome } from "./backend-stats.ts";
import { createBackend, isLlmService } from "./backends/registry.ts";
import { rankCandidates, type BackendHealth, type CandidateView } from "./balancer.ts";
import type { ChatCall } from "./chat-types.ts";
import { canPass, CLOSED, nextBreaker, type BreakerPhase, type BreakerSettings, type BreakerState } from "./circuit-breaker.ts";
import { assessComplexity, type Complexity, type Tier } from "./complexity.ts";
import type { LlmBackend } from "./llm-backend.ts";
import { ModelCatalog } from "./model-catalog.ts";
import { createAgent, readAll, sendUpstream, targetOf, type UpstreamTarget, type UpstreamTimeouts } from "./upstream.ts";

/** One backend with everything the router keeps about it. */
export interface PooledBackend {
  backend: LlmBackend;
  service: ServiceConfig;
  /** Position in router.backends. */
  order: number;
  target: UpstreamTarget;
  stats: BackendStats;
  breaker: BreakerState;
  /** The host service whose memory reading guards this backend. */
  host: string | undefined;
}

export interface Candidate {
  pooled: PooledBackend;
  /** The model to ask this backend for, in its spelling. */
  model: string;
  /** 0 for the tier's own backends, 1 for the others (tried after them). */
  group?: number;
}

export interface Plan {
  /** fast | large for `auto`; "named" when the client named a model. */
  tier: Tier | "named";
  complexity?: Complexity;
  candidates: Candidate[];
  /** Backends left out and why, e.g. "lmstudio: circuit open"; for the final error. */
  skipped: string[];
}

/** No backend can take the request: 404 when none serves the model, 503 when none is available. */
export class PlanError extends Error {
  constructor(
    readonly status: 404 | 503,
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = "PlanError";
  }
}

/** What /metrics and the board show per backend. */
export interface BackendSnapshot {
  name: string;
  family: string;
  url: string;
  inFlight: number;
  /** EWMA time to first byte of successful answers, ms; null before the first. */
  latencyMs: number | null;
  /** Failures / requests over the breaker window. */
  errorRate: number;
  requests: number;
  breaker: BreakerPhase;
  consecutiveFailures: number;
  models: number;
}

export interface PoolOptions {
  config: Config;
  live: LiveState;
  now: () => number;
  logger: Logger;
  timeouts: UpstreamTimeouts;
}

const LIST_TIMEOUT_MS = 5_000;

/** The router's backends: their state, their models, and the choice of candidates for a request. */
export class BackendPool {
  readonly backends: PooledBackend[] = [];
  readonly catalog: ModelCatalog;
  private readonly byName = new Map<string, PooledBackend>();
  private readonly breakerCfg: BreakerSettings;
  private readonly log: Logger;
  private readonly staleMs: number;

  constructor(private readonly o: PoolOptions) {
    const { config } = o;
    this.log = o.logger;
    const rc = config.router;
    this.breakerCfg = {
      failures: rc.breaker.failures,
      errorRate: rc.breaker.errorRate,
      minRequests: rc.breaker.minRequests,
      cooldownMs: parseDuration(rc.breaker.cooldown) ?? 10_000,
    };
    const windowMs = parseDuration(rc.breaker.window) ?? 30_000;
    // A probe result older than three intervals says nothing about now.
    this.staleMs = 3 * (parseDuration(config.probe.interval) ?? 30_000);
    const names = rc.backends ?? config.services.filter(isLlmService).map((s) => s.name);
    const firstHost = config.services.find((s) => s.kind === "host")?.name;
    names.forEach((name, order) => {
      const service = config.services.find((s) => s.name === name);
      const backend = service && createBackend(service);
      if (!service || !backend) {
        this.log.warn({ backend: name }, "router backend skipped: not an LLM service with a url");
        return;
      }
      const agent = createAgent(backend.url.protocol === "https:" ? "https:" : "http:", o.timeouts.connectMs);
      const host = rc.hostOf[name] ?? (isLoopback(backend.url.hostname) ? firstHost : undefined);
      const pooled: PooledBackend = { backend, service, order, target: targetOf(backend.url, agent, backend.headers), stats: new BackendStats(windowMs), breaker: CLOSED, host };
      this.backends.push(pooled);
      this.byName.set(name, pooled);
    });
    this.catalog = new ModelCatalog({
      live: o.live,
      now: o.now,
      refreshMs: parseDuration(rc.modelRefresh) ?? 30_000,
      logger: this.log,
      fetchModels: (name) => this.fetchModels(this.byName.get(name)!),
      configured: new Map(this.backends.map((b) => [b.backend.name, b.service.models])),
    });
  }

  get(name: string): PooledBackend | undefined {
    return this.byName.get(name);
  }

  /**
   * The backends to try for a call, best first. `auto` scores the prompt for a tier; a named model goes to
   * the backends that list it (or to the backend of that name). Model lists that are unknown or stale are
   * fetched first when they decide the answer.
   */
  async plan(call: ChatCall): Promise<Plan> {
    const requested = call.model;
    const skipped: string[] = [];
    if (requested === "auto") {
      const complexity = assessComplexity(call.canonical().messages, this.o.config.router.largeTierScore);
      const tierList = this.o.config.router.tiers[complexity.tier];
      let picks = this.autoPicks(complexity.tier, tierList, skipped);
      // Wait for model lists only when no backend has a model to run; otherwise the lists fill in behind
      // (catalog refreshes are rate-limited, so a hung backend does not hold every request).
      if (picks.candidates.length === 0 && picks.unknown.length > 0) {
        await Promise.all(picks.unknown.map((b) => this.catalog.refresh(b.backend.name)));
        skipped.length = 0;
        picks = this.autoPicks(complexity.tier, tierList, skipped);
      }
      return this.finish({ tier: complexity.tier, complexity, candidates: picks.candidates, skipped }, requested);
    }
    const own = this.byName.get(requested);
    if (own) {
      let model = this.autoModel(own, "fast");
      if (model === undefined) {
        await this.catalog.refresh(own.backend.name);
        model = this.autoModel(own, "fast");
      }
      if (model === undefined) throw new PlanError(503, `backend ${requested} has no model to run (none configured, loaded or listed)`, "no_model");
      return this.finish({ tier: "named", candidates: [{ pooled: own, model }], skipped }, requested);
    }
    let candidates = this.namedPicks(requested);
    if (candidates.length === 0) {
      await this.refreshStale();
      candidates = this.namedPicks(requested);
    }
    if (candidates.length === 0) {
      const unread = this.backends.filter((b) => !this.catalog.everRead(b.backend.name)).map((b) => b.backend.name);
      if (unread.length > 0) {
        throw new PlanError(503, `model "${requested}" is not listed by any backend that answered; the model lists of ${unread.join(", ")} could not be read`, "model_lists_unavailable");
      }
      throw new PlanError(404, `model "${requested}" is not served by any backend; ask for "auto" or one of GET /v1/models`, "model_not_found");
    }
    return this.finish({ tier: "named", candidates, skipped }, requested);
  }

  /** Takes a slot on the backend's breaker; false when the breaker is open. */
  acquire(b: PooledBackend): boolean {
    const now = this.o.now();
    if (!canPass(b.breaker, now, this.breakerCfg)) return false;
    b.breaker = nextBreaker(b.breaker, { type: "request" }, now, this.breakerCfg);
    b.stats.begin();
    return true;
  }

  /** Records how an attempt ended, in the statistics and the breaker. */
  release(b: PooledBackend, outcome: AttemptOutcome, latencyMs?: number): void {
    const now = this.o.now();
    b.stats.end(outcome, latencyMs, now);
    const before = b.breaker.phase;
    if (outcome === "failure") {
      const w = b.stats.window(now);
      b.breaker = nextBreaker(b.breaker, { type: "failure", windowErrorRate: w.errorRate, windowRequests: w.requests }, now, this.breakerCfg);
    } else b.breaker = nextBreaker(b.breaker, { type: outcome }, now, this.breakerCfg);
    if (b.breaker.phase !== before) {
      if (b.breaker.phase === "open") this.log.warn({ backend: b.backend.name, failures: b.breaker.consecutiveFailures }, "backend circuit opened");
      else if (b.breaker.phase === "closed") this.log.info({ backend: b.backend.name }, "backend circuit closed");
    }
  }

  snapshot(): BackendSnapshot[] {
    const now = this.o.now();
    return this.backends.map((b) => {
      const w = b.stats.window(now);
      const phase = b.breaker.phase === "open" && canPass(b.breaker, now, this.breakerCfg) ? "half-open" : b.breaker.phase;
      return {
        name: b.backend.name,
        family: b.backend.family,
        url: b.backend.url.href,
        inFlight: b.stats.inFlight,
        latencyMs: b.stats.ewmaMs ?? null,
        errorRate: w.errorRate,
        requests: w.requests,
        breaker: phase,
        consecutiveFailures: b.breaker.consecutiveFailures,
        models: this.catalog.models(b.backend.name).length,
      };
    });
  }

  /** Every model any backend serves, with the backends serving it. */
  allModels(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const b of this.backends) {
      for (const m of this.catalog.models(b.backend.name)) {
        const list = out.get(m);
        if (list) list.push(b.backend.name);
        else out.set(m, [b.backend.name]);
      }
    }
    return out;
  }

  /** Refreshes every stale model list, for GET /v1/models and /api/tags. */
  async refreshStale(): Promise<void> {
    await Promise.all(this.backends.filter((b) => this.catalog.isStale(b.backend.name)).map((b) => this.catalog.refresh(b.backend.name)));
  }

  close(): void {
    for (const b of this.backends) b.target.agent.destroy();
  }

  private autoPicks(tier: Tier, tierList: readonly string[], skipped: string[]): { candidates: Candidate[]; unknown: PooledBackend[] } {
    const candidates: Candidate[] = [];
    const unknown: PooledBackend[] = [];
    for (const b of this.backends) {
      const model = this.autoModel(b, tier);
      if (model === undefined) {
        unknown.push(b);
        skipped.push(`${b.backend.name}: no model known`);
      } else candidates.push({ pooled: b, model });
    }
    // Tier members first; an empty tier means every backend is a member.
    if (tierList.length > 0) for (const c of candidates) c.group = tierList.includes(c.pooled.backend.name) ? 0 : 1;
    return { candidates, unknown };
  }

  private namedPicks(model: string): Candidate[] {
    const out: Candidate[] = [];
    for (const b of this.backends) {
      const spelled = this.catalog.resolve(b.backend.name, model);
      if (spelled !== undefined) out.push({ pooled: b, model: spelled });
    }
    return out;
  }

  /** The model a backend runs for `auto`: configured per tier, else the loaded one, else the first configured or listed. */
  private autoModel(b: PooledBackend, tier: Tier): string | undefined {
    const name = b.backend.name;
    return this.o.config.router.autoModels[tier][name] ?? this.catalog.loaded(name)[0] ?? b.service.models[0] ?? this.catalog.models(name)[0];
  }

  /** Drops backends that must not be asked, ranks the rest, and fails when none is left. */
  private finish(plan: Plan, requested: string): Plan {
    const now = this.o.now();
    if (plan.candidates.length === 1) {
      // One backend serves the model: nothing to rank, only whether it may be asked.
      const b = plan.candidates[0]!.pooled;
      const why = this.exclusion(b, this.health(b.backend.name, now), now);
      if (why === undefined) return plan;
      plan.skipped.push(why);
      plan.candidates = [];
    }
    const views: (CandidateView & { candidate: Candidate })[] = [];
    for (const c of plan.candidates) {
      const b = c.pooled;
      const name = b.backend.name;
      const health = this.health(name, now);
      const why = this.exclusion(b, health, now);
      if (why !== undefined) {
        plan.skipped.push(why);
        continue;
      }
      const w = b.stats.window(now);
      views.push({
        candidate: c,
        name,
        order: b.order,
        group: c.group ?? 0,
        // exclusion() has ruled out "wrong-service".
        health: health as BackendHealth,
        inFlight: b.stats.inFlight,
        ewmaMs: b.stats.ewmaMs,
        failures: w.failures,
        requests: w.requests,
        halfOpen: b.breaker.phase !== "closed",
      });
    }
    if (views.length === 0) {
      const why = plan.skipped.length ? plan.skipped.join("; ") : "no backends configured";
      throw new PlanError(503, `no backend available for "${requested}": ${why}`, "no_backend_available");
    }
    plan.candidates = rankCandidates(views).map((v) => v.candidate);
    return plan;
  }

  /** Why a backend must not be asked now, or undefined when it may be. `health` is passed in because finish() ranks by it too. */
  private exclusion(b: PooledBackend, health: BackendHealth | "wrong-service", now: number): string | undefined {
    const name = b.backend.name;
    if (health === "wrong-service") return `${name}: the monitor found another service at its address`;
    const memory = this.hostMemory(b, now);
    if (memory) return `${name}: ${memory}`;
    if (!canPass(b.breaker, now, this.breakerCfg)) return `${name}: circuit open`;
    return undefined;
  }

  private health(name: string, now: number): BackendHealth | "wrong-service" {
    const state = this.o.live.get(name);
    if (!state || now - state.at > this.staleMs) return "unknown";
    return state.result.status;
  }

  /** Why the backend's host is out of memory, or undefined when it is not (or nothing is known). */
  private hostMemory(b: PooledBackend, now: number): string | undefined {
    if (!b.host) return undefined;
    const state = this.o.live.get(b.host);
    if (!state || now - state.at > this.staleMs || state.service.kind !== "host") return undefined;
    const used = state.result.metrics["memory.used_pct"];
    const limit = state.service.thresholds.memoryPct;
    if (typeof used !== "number" || used < limit) return undefined;
    return `host ${b.host} out of memory (${used.toFixed(0)}% used, limit ${limit}%)`;
  }

  private async fetchModels(b: PooledBackend): Promise<string[]> {
    const t = { ...this.o.timeouts, firstByteMs: Math.min(this.o.timeouts.firstByteMs, LIST_TIMEOUT_MS), idleMs: Math.min(this.o.timeouts.idleMs, LIST_TIMEOUT_MS) };
    const pending = sendUpstream(b.target, b.backend.modelsPath, undefined, t);
    const res = await pending.response;
    const body = await readAll(res, t.idleMs, 8 * 1024 * 1024);
    if ((res.statusCode ?? 0) >= 400) throw new Error(`model list answered HTTP ${res.statusCode}`);
    return b.backend.parseModels(JSON.parse(body.toString("utf8")));
  }
}
