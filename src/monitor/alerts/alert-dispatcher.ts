import { setMaxListeners } from "node:events";
import { parseDuration } from "../../shared/duration.ts";
import { errorMessage } from "../../shared/errors.ts";
import type { Logger } from "../../shared/logger.ts";
import type { Db } from "../../store/open-store.ts";
import type { AlertsConfig, Webhook } from "../monitor-config.ts";
import type { Alert, AlertKind } from "./alert.ts";
import { AlertTemplates } from "./alert-templates.ts";
import { buildWebhookRequest, channelName, type WebhookRequest } from "./webhook-request.ts";

export interface AlertDispatcherOptions {
  config: AlertsConfig;
  store: Db;
  fetch: typeof fetch;
  logger: Logger;
  now: () => number;
  templates?: AlertTemplates;
  /** Called after every delivery attempt (for /metrics). */
  onAttempt?(kind: AlertKind, channel: "log" | "webhook", delivered: boolean): void;
}

/** One message for one webhook, with the alerts it carries (several when grouped). */
interface Job {
  webhook: Webhook;
  channel: string;
  request: WebhookRequest;
  alerts: Alert[];
  attempt: number;
  nextAt: number;
}

/** How many webhook requests may be in flight at once. */
const PARALLEL = 4;
/** Longest wait between two attempts, whatever the backoff doubles to. */
const MAX_BACKOFF_MS = 10 * 60_000;

/**
 * Sends alerts to the log at once and to the webhooks through a bounded in-memory queue, so a webhook that is
 * down or slow never holds up probing: send() only queues. Alerts of one kind that come within groupWindow go
 * out as one grouped message (not a storm). Failed requests are retried with exponential backoff up to
 * `attempts`. Every attempt on every channel is recorded in the `alerts` table, one row per alert the message
 * carried (a grouped message of ten incidents is ten rows), so each incident's delivery can be looked up.
 */
export class AlertDispatcher {
  private readonly o: AlertDispatcherOptions;
  private readonly log: Logger;
  private readonly templates: AlertTemplates;
  private readonly insert;
  private readonly groups = new Map<AlertKind, { alerts: Alert[]; timer: NodeJS.Timeout }>();
  private readonly queue: Job[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly controller = new AbortController();
  private readonly groupWindowMs: number;
  private readonly timeoutMs: number;
  private readonly backoffMs: number;
  private wakeTimer: NodeJS.Timeout | undefined;
  private idleWaiters: (() => void)[] = [];
  private stopped = false;

  constructor(options: AlertDispatcherOptions) {
    this.o = options;
    this.log = options.logger.child({ module: "alerts" });
    this.templates = options.templates ?? new AlertTemplates();
    this.insert = options.store.prepare(`INSERT INTO alerts (kind, service, incident_id, channel, delivered, error, at) VALUES (?, ?, ?, ?, ?, ?, ?)`);
    this.groupWindowMs = parseDuration(options.config.groupWindow) ?? 10_000;
    this.timeoutMs = parseDuration(options.config.timeout) ?? 10_000;
    this.backoffMs = parseDuration(options.config.retryBackoff) ?? 5000;
    setMaxListeners(PARALLEL + 8, this.controller.signal);
  }

  /** Logs the alert and queues it for the webhooks; never blocks and never throws. */
  send(alert: Alert): void {
    if (this.stopped) return;
    const level = alert.kind === "resolved" ? "info" : "warn";
    this.log[level]({ kind: alert.kind, service: alert.service, incident: alert.incidentId, severity: alert.severity, summary: alert.summary }, "alert");
    this.record([alert], "log", true, null);
    this.o.onAttempt?.(alert.kind, "log", true);
    if (this.o.config.webhooks.length === 0) return;
    const group = this.groups.get(alert.kind);
    if (group) {
      group.alerts.push(alert);
      return;
    }
    const timer = setTimeout(() => this.flushGroup(alert.kind), this.groupWindowMs);
    this.groups.set(alert.kind, { alerts: [alert], timer });
  }

  /** Resolves once nothing is grouped, queued or in flight (retries included): for tests and shutdown. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Messages waiting in the queue (retries included). */
  get queued(): number {
    return this.queue.length;
  }

  /**
   * Sends what is grouped now, gives the queue up to `graceMs` to drain, then aborts what is left; undelivered
   * messages are logged (their failed attempts are already in the table).
   */
  async stop(graceMs = 3000): Promise<void> {
    if (this.stopped) return;
    for (const kind of [...this.groups.keys()]) this.flushGroup(kind);
    const drained = await Promise.race([this.idle().then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), graceMs).unref())]);
    this.stopped = true;
    clearTimeout(this.wakeTimer);
    this.controller.abort(new Error("alerts stopped"));
    await Promise.allSettled([...this.inFlight]);
    if (!drained) this.log.warn({ undelivered: this.queue.length }, "stopped with webhook messages undelivered");
    this.queue.length = 0;
    this.settleIdle();
  }

  private flushGroup(kind: AlertKind): void {
    const group = this.groups.get(kind);
    if (!group) return;
    clearTimeout(group.timer);
    this.groups.delete(kind);
    for (const webhook of this.o.config.webhooks) {
      const channel = channelName(webhook.url);
      let request: WebhookRequest;
      try {
        const { file, text } = this.templates.render(group.alerts, webhook.format);
        request = buildWebhookRequest(webhook, text, file);
      } catch (err) {
        // A broken template is the operator's to fix; it must not take the other webhooks down with it.
        this.log.error({ channel, kind, err: errorMessage(err) }, "alert not rendered");
        this.record(group.alerts, channel, false, `template: ${errorMessage(err)}`);
        continue;
      }
      this.enqueue({ webhook, channel, request, alerts: group.alerts, attempt: 0, nextAt: Date.now() });
    }
    this.pump();
  }

  private enqueue(job: Job): void {
    if (this.queue.length >= this.o.config.queueSize) {
      const dropped = this.queue.shift()!;
      this.log.warn({ channel: dropped.channel, kind: dropped.alerts[0]!.kind, queueSize: this.o.config.queueSize }, "alert queue full; oldest message dropped");
      this.record(dropped.alerts, dropped.channel, false, "dropped: queue full");
    }
    this.queue.push(job);
  }

  /** Starts the due jobs up to PARALLEL, and sets one timer for the next job that is not yet due. */
  private pump(): void {
    if (this.stopped) return;
    clearTimeout(this.wakeTimer);
    const now = Date.now();
    while (this.inFlight.size < PARALLEL) {
      const i = this.queue.findIndex((j) => j.nextAt <= now);
      if (i < 0) break;
      const [job] = this.queue.splice(i, 1);
      const run: Promise<void> = this.deliver(job!).finally(() => {
        this.inFlight.delete(run);
        this.pump();
      });
      this.inFlight.add(run);
    }
    if (this.queue.length > 0 && this.inFlight.size < PARALLEL) {
      const next = Math.min(...this.queue.map((j) => j.nextAt));
      this.wakeTimer = setTimeout(() => this.pump(), Math.max(0, next - now));
    }
    this.settleIdle();
  }

  private async deliver(job: Job): Promise<void> {
    job.attempt++;
    const kind = job.alerts[0]!.kind;
    const signal = AbortSignal.any([this.controller.signal, AbortSignal.timeout(this.timeoutMs)]);
    let error: string | null = null;
    try {
      const res = await this.o.fetch(job.request.url, { method: "POST", headers: job.request.headers, body: job.request.body, signal });
      // Read (and drop) the body so the connection is released.
      await res.arrayBuffer().catch(() => undefined);
      if (!res.ok) error = `HTTP ${res.status}`;
    } catch (err) {
      error = describeFetchError(err);
    }
    this.record(job.alerts, job.channel, error === null, error);
    this.o.onAttempt?.(kind, "webhook", error === null);
    if (error === null) {
      this.log.info({ channel: job.channel, kind, alerts: job.alerts.length, attempt: job.attempt }, "alert delivered");
      return;
    }
    if (this.stopped) return;
    if (job.attempt >= this.o.config.attempts) {
      this.log.error({ channel: job.channel, kind, attempts: job.attempt, error }, "alert not delivered; giving up");
      return;
    }
    const wait = Math.min(MAX_BACKOFF_MS, this.backoffMs * 2 ** (job.attempt - 1));
    this.log.warn({ channel: job.channel, kind, attempt: job.attempt, retryInMs: wait, error }, "alert delivery failed; will retry");
    this.enqueue({ ...job, nextAt: Date.now() + wait });
  }

  private record(alerts: readonly Alert[], channel: string, delivered: boolean, error: string | null): void {
    const at = this.o.now();
    try {
      for (const a of alerts) this.insert.run(a.kind, a.service, a.incidentId, channel, delivered ? 1 : 0, error, at);
    } catch (err) {
      this.log.error({ err: errorMessage(err) }, "alert attempt not recorded");
    }
  }

  private isIdle(): boolean {
    return this.groups.size === 0 && this.queue.length === 0 && this.inFlight.size === 0;
  }

  private settleIdle(): void {
    if (!this.isIdle() && !this.stopped) return;
    for (const w of this.idleWaiters.splice(0)) w();
  }
}

function describeFetchError(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  if ((err as Error).name === "TimeoutError") return "timed out";
  if (cause?.code) return `${cause.code}${cause.message ? `: ${cause.message}` : ""}`;
  return errorMessage(err);
}
