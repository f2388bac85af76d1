import type { Registry } from "prom-client";
import type { AppDeps, Service } from "../app-deps.ts";
import type { ServiceConfig } from "../config/schema.ts";
import type { RouteHandler } from "../http/http-server.ts";
import type { ProbeResult } from "../probes/probe-kind.ts";
import type { RunProbeDeps } from "../probes/run-probe.ts";
import { writeIncidentReport } from "../reports/incident-report.ts";
import { Scheduler, type ProbeOutcome } from "../scheduler/scheduler.ts";
import { parseDuration } from "../shared/duration.ts";
import { errorMessage } from "../shared/errors.ts";
import type { PageSpec } from "../workspace/workspace.ts";
import { SERVICES } from "../workspace/databases.ts";
import type { Alert } from "./alerts/alert.ts";
import { AlertDispatcher } from "./alerts/alert-dispatcher.ts";
import { runBenchmarks, type BenchmarkRun } from "./benchmarks/run-benchmarks.ts";
import { downInfo, performanceReading, resourceReadings } from "./conditions.ts";
import { HealthRollups } from "./health-rollups.ts";
import { ConditionStore } from "./incidents/condition-store.ts";
import { IncidentManager } from "./incidents/incident-manager.ts";
import { RequirementIndex } from "./incidents/requirement-index.ts";
import { downEvent, type TransitionConfig } from "./incidents/transition.ts";
import { MonitorMetrics } from "./monitor-metrics.ts";
import { ensureMonitorTables } from "./monitor-tables.ts";
import type { WindowStats } from "./observation-store.ts";
import { ObservationStore } from "./observation-store.ts";
import { RestartHooks } from "./restart/restart-hooks.ts";
import { RetentionPruner } from "./retention-pruner.ts";
import type { runCommand } from "./restart/run-command.ts";
import { serviceIntervalMs } from "./service-interval.ts";
import { serviceCells } from "./service-row.ts";

export interface MonitorOptions {
  /** prom-client's process metrics (CPU, memory, event loop) on /metrics; on by default. */
  defaultMetrics?: boolean;
  /** Tests drive the monitor with synthetic results through this; the real runProbe otherwise. */
  runProbe?: (target: ServiceConfig, deps: RunProbeDeps) => Promise<ProbeResult>;
  /** Tests replace the restart command runner; execFile otherwise. */
  runCommand?: typeof runCommand;
}

export interface Monitor extends Service {
  /** Probes every service once now and records the results like any scheduled run. */
  probeOnce(): Promise<ProbeOutcome[]>;
  /** GET /metrics. */
  metricsHandler: RouteHandler;
  /** The registry behind /metrics, for other concerns' collectors. */
  readonly registry: Registry;
  /** Adds collectors to the registry (the router's metrics). */
  registerMetrics(add: (registry: Registry) => void): void;
  /** Runs the benchmarks now (they also run on config.benchmarks.schedule). */
  runBenchmarks(signal?: AbortSignal): Promise<BenchmarkRun[]>;
  /** Renders and writes the incident report now (it also runs on config.reports.incidents). */
  writeIncidentReport(): Promise<PageSpec>;
  /** Closes the health windows that have ended (also done on a timer at each window boundary). */
  closeHealthWindows(): WindowStats[];
  /** Deletes observations, rollups, and Health and Benchmarks rows older than config.health.retention (also hourly). */
  prune(): void;
  /** Sends an alert from another concern (a requirement that fell) through the same log, table and webhooks. */
  alert(alert: Alert): void;
  /** Resolves when queued alerts, running restarts and queued workspace records have settled (tests, demo). */
  settled(): Promise<void>;
}

/**
 * The monitor: turns every probe result into an observation, the live state, the Services row, health
 * rollups, incidents (down, resource, performance) with alerts and restart hooks, and runs benchmarks,
 * incident reports and pruning on their schedules.
 */
export function createMonitor(deps: AppDeps, options: MonitorOptions = {}): Monitor {
  const { config, logger, store, records } = deps;
  const log = logger.child({ module: "monitor" });
  // Once, before the stores below: they prepare their statements against these tables.
  ensureMonitorTables(store);
  const observations = new ObservationStore(store);
  const conditions = new ConditionStore(store);
  const metrics = new MonitorMetrics({ store, defaultMetrics: options.defaultMetrics });
  const alerts = new AlertDispatcher({
    config: config.alerts,
    store,
    fetch: deps.fetch,
    logger,
    now: deps.now,
    onAttempt: (kind, channel, delivered) => metrics.delivery(kind, channel, delivered),
  });
  const incidents = new IncidentManager({
    store,
    records,
    conditions,
    requirements: new RequirementIndex(deps.workspace, logger, deps.now),
    alert: (a) => alerts.send(a),
    logger,
    now: deps.now,
  });
  const restarts = new RestartHooks({ store, logger, now: deps.now, onRecord: (service, record) => incidents.recordRestart(service, record), run: options.runCommand });
  const byName = new Map(config.services.map((s) => [s.name, s] as const));

  const downConfig: TransitionConfig = {
    openAfter: config.incidents.openAfter,
    resolveAfter: config.incidents.resolveAfter,
    remindEveryMs: parseDuration(config.incidents.remindEvery) ?? 3_600_000,
  };
  // A closed window already aggregates a few minutes of checks, so one bad window opens and one good one resolves.
  const performanceConfig: TransitionConfig = { ...downConfig, openAfter: 1, resolveAfter: 1 };
  const defaultIntervalMs = serviceIntervalMs(config.probe, undefined);
  const sustainMs = parseDuration(config.alerts.resourceSustain) ?? 120_000;
  /** Resource conditions open after openAfter checks, or as many as cover resourceSustain at the service's interval. */
  const resourceConfigs = new Map(
    config.services.map((service) => {
      const intervalMs = serviceIntervalMs(config.probe, service);
      return [service.name, { ...downConfig, openAfter: Math.max(downConfig.openAfter, Math.ceil(sustainMs / intervalMs)) }] as const;
    }),
  );
  const windowMs = parseDuration(config.health.window) ?? 300_000;
  const retentionMs = parseDuration(config.health.retention) ?? 30 * 86_400_000;

  const health = new HealthRollups({
    observations,
    records,
    windowMs,
    logger,
    now: deps.now,
    onWindowClosed: (stats) => void checkPerformance(stats).catch((err) => log.error({ service: stats.service, err: errorMessage(err) }, "performance check failed")),
  });

  async function checkPerformance(stats: WindowStats): Promise<void> {
    if (!byName.has(stats.service)) return;
    const baseline = observations.baselineP95(stats.service, stats.windowStart - 86_400_000, stats.windowStart);
    const reading = performanceReading(stats, baseline, {
      factor: config.alerts.degradationFactor,
      minMs: config.alerts.degradationMinMs,
      minWindows: config.alerts.baselineMinWindows,
    });
    if (reading) await incidents.observe({ service: stats.service, kind: "performance" }, reading.event, reading.info, performanceConfig);
  }

  async function handle(outcome: ProbeOutcome): Promise<void> {
    const { service, result } = outcome;
    const at = deps.now();
    // Observations carry the time the check began: with fixed-rate scheduling the gaps between them are the
    // real check interval, not the interval plus each probe's own duration (health.check_interval.* reads them).
    observations.insert(service, result, outcome.startedAt);
    deps.live.update(service, result, at);
    metrics.probe(service, result, outcome.durationMs);
    records.upsert(SERVICES.name, service.name, { set: serviceCells(service, result, at, observations.availability(service.name, at - 86_400_000, at + 1)) });
    health.note(service.name, result.status, at);

    const event = downEvent(result.status);
    const down = await incidents.observe({ service: service.name, kind: "down" }, event, downInfo(service, result), downConfig);
    if (event === "failure") restarts.onFailure(service, down.state.failures);
    else restarts.onSuccess(service);

    for (const r of resourceReadings(service, result)) {
      await incidents.observe({ service: service.name, kind: "resource", aspect: r.aspect }, r.event, r.info, resourceConfigs.get(service.name)!);
    }
  }

  const scheduler = new Scheduler({
    services: config.services,
    intervalMs: defaultIntervalMs,
    timeoutMs: parseDuration(config.probe.timeout) ?? 5000,
    concurrency: config.probe.concurrency,
    fetch: deps.fetch,
    logger,
    now: deps.now,
    runProbe: options.runProbe,
    onResult: handle,
  });

  const benchmarks = (signal?: AbortSignal) =>
    runBenchmarks({ services: config.services, config: config.benchmarks, fetch: deps.fetch, logger, now: deps.now, store, records, live: deps.live, signal });
  const report = async () => writeIncidentReport({ store, records, config, now: deps.now, logger });

  const retention = new RetentionPruner(store, observations, records, windowMs);
  function prune(): void {
    const removed = retention.prune(deps.now() - retentionMs);
    if (Object.values(removed).some((n) => n > 0)) log.info(removed, "old observations, rollups and workspace rows pruned");
  }

  scheduler.addCron({ name: "benchmarks", schedule: config.benchmarks.schedule, run: async (signal) => void (await benchmarks(signal)) });
  scheduler.addCron({ name: "incident-report", schedule: config.reports.incidents, run: async () => void (await report()) });
  scheduler.addCron({ name: "prune", schedule: "17 * * * *", run: async () => prune() });

  return {
    async start() {
      alerts.resume();
      await incidents.resolveOrphans(new Set(byName.keys()));
      try {
        prune();
      } catch (err) {
        log.error({ err: errorMessage(err) }, "prune failed");
      }
      health.start();
      await scheduler.start();
      log.info({ services: config.services.length, webhooks: config.alerts.webhooks.length, open: conditions.open().length }, "monitor started");
    },
    async stop() {
      await scheduler.stop();
      health.stop();
      await restarts.stop();
      await alerts.stop();
      log.info("monitor stopped");
    },
    probeOnce: () => scheduler.runAll(),
    metricsHandler: metrics.handler,
    alert: (a) => alerts.send(a),
    registry: metrics.registry,
    registerMetrics: (add) => metrics.register(add),
    runBenchmarks: benchmarks,
    writeIncidentReport: report,
    closeHealthWindows: () => health.closeDue(),
    prune,
    async settled() {
      await restarts.settled();
      await alerts.idle();
      await records.flush();
    },
  };
}
