import { setMaxListeners } from "node:events";
import { createTask, validate as validateCron, type ScheduledTask } from "node-cron";
import type { Service } from "../app-deps.ts";
import type { ServiceConfig } from "../config/schema.ts";
import type { ProbeResult } from "../probes/probe-kind.ts";
import { runProbe as realRunProbe, type RunProbeDeps } from "../probes/run-probe.ts";
import { parseDuration } from "../shared/duration.ts";
import { errorMessage } from "../shared/errors.ts";
import type { Logger } from "../shared/logger.ts";
import { Semaphore } from "./semaphore.ts";

/** One finished probe, as handed to `onResult`. */
export interface ProbeOutcome {
  service: ServiceConfig;
  result: ProbeResult;
  startedAt: number;
  /** Wall time of the probe call, in ms (includes the wait for the probe's own timeout). */
  durationMs: number;
}

/** A job on a cron expression (benchmarks, reports, pruning). */
export interface CronJob {
  name: string;
  /** node-cron expression; 6 fields when the first is seconds. */
  schedule: string;
  run(signal: AbortSignal): Promise<void>;
}

export interface SchedulerOptions {
  services: readonly ServiceConfig[];
  /** probe.interval in ms; a service's own `interval` wins. */
  intervalMs: number;
  /** probe.timeout in ms; a service's own `timeout` wins (runProbe applies it). */
  timeoutMs: number;
  /** Probes in flight at once. */
  concurrency: number;
  fetch: typeof fetch;
  logger: Logger;
  now: () => number;
  /** Receives every finished probe; errors it throws are logged, never stop the schedule. */
  onResult(outcome: ProbeOutcome): void | Promise<void>;
  /** Gap between the first runs of consecutive services; defaults to spreading them over up to 5 s. */
  staggerMs?: number;
  /** Injected in tests; the real one runs the probe kind under its timeout. */
  runProbe?: (target: ServiceConfig, deps: RunProbeDeps) => Promise<ProbeResult>;
}

interface Slot {
  service: ServiceConfig;
  intervalMs: number;
  /** Time of the first run; later runs fall on firstAt + k × interval, so delays do not accumulate. */
  firstAt: number;
  timer?: NodeJS.Timeout;
  /** The run in flight (or waiting for a concurrency slot). */
  running?: Promise<ProbeOutcome | undefined>;
}

/**
 * Probes every service on its own interval with a cap on probes in flight (Gatus watchdog).
 *
 * Intervals run on a setTimeout loop per service, not on second-level cron: an interval such as 45s or 90s has no
 * exact cron form, and cron fires every service on the same wall-clock second, the burst the stagger avoids. Cron
 * expressions (benchmarks, reports) go to node-cron tasks. The scheduler knows nothing of kinds: it calls runProbe.
 */
export class Scheduler implements Service {
  private readonly options: SchedulerOptions;
  private readonly log: Logger;
  private readonly slots: Slot[];
  private readonly semaphore: Semaphore;
  private readonly controller = new AbortController();
  private readonly jobs: CronJob[] = [];
  private readonly tasks: ScheduledTask[] = [];
  private readonly jobRuns = new Set<Promise<void>>();
  private started = false;
  private stopped = false;
  private skippedRuns = 0;

  constructor(options: SchedulerOptions) {
    this.options = options;
    this.log = options.logger.child({ module: "scheduler" });
    this.semaphore = new Semaphore(options.concurrency);
    // every probe in flight and every job listens on the one stop signal
    setMaxListeners(options.concurrency + 16, this.controller.signal);
    this.slots = options.services.map((service) => ({
      service,
      intervalMs: (service.interval ? parseDuration(service.interval) : undefined) ?? options.intervalMs,
      firstAt: 0,
    }));
  }

  /** Adds a cron job; an invalid expression is an error naming the job. Jobs added after start() start at once. */
  addCron(job: CronJob): void {
    if (!validateCron(job.schedule)) throw new Error(`cron job "${job.name}": "${job.schedule}" is not a valid cron expression`);
    this.jobs.push(job);
    if (this.started && !this.stopped) this.startCron(job);
  }

  /** Runs every service once now (staggered), then each on its interval. Resolves once the timers are set. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const stagger = this.options.staggerMs ?? Math.min(250, Math.floor(5000 / Math.max(1, this.slots.length)));
    const t0 = Date.now();
    this.slots.forEach((slot, i) => {
      slot.firstAt = t0 + i * stagger;
      this.arm(slot, i * stagger);
    });
    for (const job of this.jobs) this.startCron(job);
    this.log.info({ services: this.slots.length, concurrency: this.options.concurrency, jobs: this.jobs.map((j) => j.name) }, "scheduler started");
  }

  /** Cancels timers and cron tasks, aborts probes in flight and waits (briefly) for them to settle. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const slot of this.slots) clearTimeout(slot.timer);
    for (const task of this.tasks) await task.destroy();
    this.controller.abort(new Error("scheduler stopped"));
    this.semaphore.cancelWaiting();
    const pending = [...this.slots.map((s) => s.running).filter((p) => p !== undefined), ...this.jobRuns];
    await Promise.race([Promise.allSettled(pending), new Promise((r) => setTimeout(r, 2000).unref())]);
    this.log.info({ skippedRuns: this.skippedRuns }, "scheduler stopped");
  }

  /** Probes every service once, through the same cap; a service already in flight is awaited, not probed twice. */
  async runAll(): Promise<ProbeOutcome[]> {
    const outcomes = await Promise.all(this.slots.map((slot) => slot.running ?? this.launch(slot)));
    return outcomes.filter((o): o is ProbeOutcome => o !== undefined);
  }

  /** Runs that were skipped because the previous run of the same service had not finished. */
  get skipped(): number {
    return this.skippedRuns;
  }

  private arm(slot: Slot, delayMs: number): void {
    if (this.stopped) return;
    slot.timer = setTimeout(() => {
      if (slot.running) {
        this.skippedRuns++;
        this.log.debug({ service: slot.service.name }, "previous run still going; run skipped");
      } else void this.launch(slot);
      const now = Date.now();
      const k = Math.max(1, Math.ceil((now + 1 - slot.firstAt) / slot.intervalMs));
      this.arm(slot, slot.firstAt + k * slot.intervalMs - now);
    }, Math.max(0, delayMs));
  }

  private launch(slot: Slot): Promise<ProbeOutcome | undefined> {
    const run = this.probe(slot).finally(() => {
      if (slot.running === run) slot.running = undefined;
    });
    slot.running = run;
    return run;
  }

  private async probe(slot: Slot): Promise<ProbeOutcome | undefined> {
    if (!(await this.semaphore.acquire())) return undefined;
    try {
      if (this.stopped) return undefined;
      const run = this.options.runProbe ?? realRunProbe;
      const startedAt = this.options.now();
      const t0 = performance.now();
      const result = await run(slot.service, {
        fetch: this.options.fetch,
        logger: this.options.logger,
        now: this.options.now,
        defaultTimeoutMs: this.options.timeoutMs,
        signal: this.controller.signal,
      });
      if (this.stopped) return undefined;
      const outcome = { service: slot.service, result, startedAt, durationMs: performance.now() - t0 };
      try {
        await this.options.onResult(outcome);
      } catch (err) {
        this.log.error({ service: slot.service.name, err: errorMessage(err) }, "probe result not handled");
      }
      return outcome;
    } finally {
      this.semaphore.release();
    }
  }

  private startCron(job: CronJob): void {
    const log = this.log.child({ job: job.name });
    const task = createTask(
      job.schedule,
      async () => {
        if (this.stopped) return;
        const run = job.run(this.controller.signal).catch((err) => log.error({ err: errorMessage(err) }, "cron job failed"));
        this.jobRuns.add(run);
        await run.finally(() => this.jobRuns.delete(run));
      },
      { name: `ai-tracker:${job.name}`, noOverlap: true, logger: cronLogger(log) },
    );
    this.tasks.push(task);
    void task.start();
  }
}

/** node-cron's own logger interface, fed into pino with fixed messages. */
function cronLogger(log: Logger) {
  return {
    info: (message: string) => log.debug({ detail: message }, "node-cron"),
    warn: (message: string) => log.warn({ detail: message }, "node-cron"),
    error: (message: string | Error) => log.error({ detail: errorMessage(message) }, "node-cron"),
    debug: (message: string | Error) => log.debug({ detail: errorMessage(message) }, "node-cron"),
  };
}
