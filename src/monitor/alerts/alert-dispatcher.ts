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
  /** Called after every delivery attempt (for /metrics). */
  onAttempt?(kind: AlertKind, channel: "log" | "webhook", delivered: boolean): void;
}

/** One message for one webhook, with the alerts it carries (several when grouped). */
interface Job {
  /** Its row in alert_queue, where it waits until delivered or given up, across restarts. */
  id: number;
  webhook: Webhook;
  channel: string;
  /** The template it was rendered from and the text, so a restart rebuilds the request with today's headers. */
  file: string;
  text: string;
  request: WebhookRequest;
  alerts: Alert[];
  attempt: number;
  nextAt: number;
}

interface QueueRow {
  id: number;
  url: string;
  format: string;
  file: string;
  text: string;
  alerts: string;
  attempt: number;
  next_at: number;
}

// Rendered text, not the request: a webhook's headers (tokens) stay in the config file, out of the store.
const QUEUE_TABLE = `CREATE TABLE IF NOT EXISTS alert_queue (
  id INTEGER PRIMARY KEY,
  url TEXT NOT NULL,
  format TEXT NOT NULL,
  file TEXT NOT NULL,
  text TEXT NOT NULL,
  alerts TEXT NOT NULL,            -- JSON array of the alerts the message carries
  attempt INTEGER NOT NULL,        -- attempts made so far
  next_at INTEGER NOT NULL         -- epoch ms of the next attempt
)`;

/** How many webhook requests may be in flight at once. */
const PARALLEL = 4;
/** Longest wait between two attempts, whatever the backoff doubles to. */
const MAX_BACKOFF_MS = 10 * 60_000;

/**
 * Sends alerts to the log at once and to the webhooks through a bounded in-memory queue, so a webhook that is
 * down or slow never holds up probing: send() only queues. Alerts of one kind that come within groupWindow go
 * out as one grouped message (not a storm). Failed requests are retried with exponential backoff up to
 * `attempts`. A message waits in the store's alert_queue until it is delivered or given up, so one that a stop
 * or a crash interrupts is sent after the next start (at least once: a crash right after a delivery resends it).
 * Every attempt on every channel is recorded in the `alerts` table, one row per alert the message
 * carried (a grouped message of ten incidents is ten rows), so each incident's delivery can be looked up.
 */
export class AlertDispatcher {
  private readonly o: AlertDispatcherOptions;
  private readonly log: Logger;
  private readonly templates = new AlertTemplates();
  private readonly insert;
  private readonly q;
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
    this.insert = options.store.prepare(`INSERT INTO alerts (kind, service, incident_id, channel, delivered, error, at) VALUES (?, ?, ?, ?, ?, ?, ?)`);
    options.store.exec(QUEUE_TABLE);
    this.q = {
      add: options.store.prepare(`INSERT INTO alert_queue (url, format, file, text, alerts, attempt, next_at) VALUES (?, ?, ?, ?, ?, ?, ?)`),
      retry: options.store.prepare(`UPDATE alert_queue SET attempt = ?, next_at = ? WHERE id = ?`),
      done: options.store.prepare(`DELETE FROM alert_queue WHERE id = ?`),
      all: options.store.prepare(`SELECT id, url, format, file, text, alerts, attempt, next_at FROM alert_queue ORDER BY id`),
      count: options.store.prepare(`SELECT count(*) FROM alert_queue`).pluck(),
    };
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

  /**
   * Queues again the messages a previous run left undelivered (at start). One whose webhook is no longer in
   * the config is dropped and recorded as not delivered.
   */
  resume(): void {
    let rows: QueueRow[];
    try {
      rows = this.q.all.all() as QueueRow[];
    } catch (err) {
      this.log.error({ err: errorMessage(err) }, "undelivered webhook messages not read");
      return;
    }
    let resumed = 0;
    for (const row of rows) {
      const webhook = this.o.config.webhooks.find((w) => w.url === row.url && w.format === row.format);
      let alerts: Alert[] = [];
      try {
        alerts = JSON.parse(row.alerts) as Alert[];
        if (!webhook) throw new Error("webhook no longer configured");
        const request = buildWebhookRequest(webhook, row.text, row.file);
        this.queue.push({ id: row.id, webhook, channel: channelName(webhook.url), file: row.file, text: row.text, request, alerts, attempt: row.attempt, nextAt: row.next_at });
        resumed++;
      } catch (err) {
        this.drop(row.id);
        const channel = channelName(row.url);
        this.log.warn({ channel, err: errorMessage(err) }, "undelivered webhook message dropped");
        if (alerts.length > 0) this.record(alerts, channel, false, `dropped: ${errorMessage(err)}`);
      }
    }
    if (resumed > 0) this.log.info({ messages: resumed }, "undelivered webhook messages queued again");
    this.pump();
  }

  /** Resolves once nothing is grouped, queued or in flight (retries included): for tests and shutdown. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
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
    if (!drained) this.log.warn({ undelivered: this.waiting() }, "stopped with webhook messages undelivered; they are sent after the next start");
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
      let file: string;
      let text: string;
      try {
        ({ file, text } = this.templates.render(group.alerts, webhook.format));
        request = buildWebhookRequest(webhook, text, file);
      } catch (err) {
        // A broken template is the operator's to fix; it must not take the other webhooks down with it.
        this.log.error({ channel, kind, err: errorMessage(err) }, "alert not rendered");
        this.record(group.alerts, channel, false, `template: ${errorMessage(err)}`);
        continue;
      }
      this.enqueue({ id: 0, webhook, channel, file, text, request, alerts: group.alerts, attempt: 0, nextAt: Date.now() });
    }
    this.pump();
  }

  private enqueue(job: Job): void {
    try {
      if (job.id === 0) job.id = Number(this.q.add.run(job.webhook.url, job.webhook.format, job.file, job.text, JSON.stringify(job.alerts), job.attempt, job.nextAt).lastInsertRowid);
      else this.q.retry.run(job.attempt, job.nextAt, job.id);
    } catch (err) {
      // The message still goes out from memory; only a restart before then would lose it.
      this.log.error({ channel: job.channel, err: errorMessage(err) }, "webhook message not saved");
    }
    if (this.queue.length >= this.o.config.queueSize) {
      const dropped = this.queue.shift()!;
      this.drop(dropped.id);
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
      this.drop(job.id);
      this.log.info({ channel: job.channel, kind, alerts: job.alerts.length, attempt: job.attempt }, "alert delivered");
      return;
    }
    // Cut short by stop(): it stays in alert_queue for the next start.
    if (this.stopped) return;
    if (job.attempt >= this.o.config.attempts) {
      this.drop(job.id);
      this.log.error({ channel: job.channel, kind, attempts: job.attempt, error }, "alert not delivered; giving up");
      return;
    }
    const wait = Math.min(MAX_BACKOFF_MS, this.backoffMs * 2 ** (job.attempt - 1));
    this.log.warn({ channel: job.channel, kind, attempt: job.attempt, retryInMs: wait, error }, "alert delivery failed; will retry");
    this.enqueue({ ...job, nextAt: Date.now() + wait });
  }

  private drop(id: number): void {
    try {
      this.q.done.run(id);
    } catch (err) {
      this.log.error({ err: errorMessage(err) }, "webhook message not removed from the queue");
    }
  }

  private waiting(): number {
    try {
      return this.q.count.get() as number;
    } catch {
      return this.queue.length;
    }
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
