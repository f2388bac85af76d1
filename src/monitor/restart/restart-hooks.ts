import type { ServiceConfig } from "../../config/schema.ts";
import { parseDuration } from "../../shared/duration.ts";
import { errorMessage } from "../../shared/errors.ts";
import type { Logger } from "../../shared/logger.ts";
import type { Db } from "../../store/open-store.ts";
import type { RestartRecord } from "./restart-record.ts";
import { runCommand, type CommandOutcome } from "./run-command.ts";

export interface RestartHooksOptions {
  store: Db;
  logger: Logger;
  now: () => number;
  /** Receives every attempt, to put on the incident. */
  onRecord(service: string, record: RestartRecord): void;
  /** Injected in tests; runs the command with execFile otherwise. */
  run?: typeof runCommand;
}

interface Attempts {
  attempts: number;
  lastAt: number | null;
}

/**
 * The optional per-service restart (service.restart: a command from the config file only, never from the
 * workspace). After `after` failures in a row it runs the command, then again after backoff, 2×backoff, ...
 * up to `maxAttempts` per outage; a success resets the count. Attempts are persisted with the incident state, so
 * restarting the tracker does not reset the cap.
 */
export class RestartHooks {
  private readonly o: RestartHooksOptions;
  private readonly log: Logger;
  private readonly state = new Map<string, Attempts>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly controller = new AbortController();
  private readonly select;
  private readonly upsert;

  constructor(options: RestartHooksOptions) {
    this.o = options;
    this.log = options.logger.child({ module: "restart" });
    this.select = options.store.prepare(`SELECT state FROM monitor_conditions WHERE key = ?`);
    this.upsert = options.store.prepare(
      `INSERT INTO monitor_conditions (key, service, kind, state, incident_id, updated_at) VALUES (?, ?, 'restart', ?, NULL, ?)
       ON CONFLICT(key) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
    );
  }

  /** Called on each failed probe with the failures in a row; starts the restart command when it is due. */
  onFailure(service: ServiceConfig, failuresInRow: number): void {
    const hook = service.restart;
    if (!hook || failuresInRow < hook.after || this.running.has(service.name)) return;
    const s = this.get(service.name);
    if (s.attempts >= hook.maxAttempts) return;
    const now = this.o.now();
    const backoffMs = (parseDuration(hook.backoff) ?? 60_000) * 2 ** Math.max(0, s.attempts - 1);
    if (s.lastAt !== null && now - s.lastAt < backoffMs) return;
    const attempt = s.attempts + 1;
    this.put(service.name, { attempts: attempt, lastAt: now });
    const run = this.execute(service, attempt, now).finally(() => this.running.delete(service.name));
    this.running.set(service.name, run);
  }

  /** Called on each good probe: the outage is over, the next one starts counting afresh. */
  onSuccess(service: ServiceConfig): void {
    if (!service.restart) return;
    const s = this.get(service.name);
    if (s.attempts !== 0) this.put(service.name, { attempts: 0, lastAt: null });
  }

  /** Resolves when the restarts in flight have finished (for tests). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.running.values()]);
  }

  /** Kills restart commands still running. */
  async stop(): Promise<void> {
    this.controller.abort();
    await this.settled();
  }

  private async execute(service: ServiceConfig, attempt: number, at: number): Promise<void> {
    const hook = service.restart!;
    const timeoutMs = parseDuration(hook.timeout) ?? 30_000;
    this.log.warn({ service: service.name, attempt, maxAttempts: hook.maxAttempts, command: hook.command[0] }, "running restart command");
    const t0 = performance.now();
    let outcome: CommandOutcome;
    try {
      outcome = await (this.o.run ?? runCommand)(hook.command, { timeoutMs, signal: this.controller.signal });
    } catch (err) {
      outcome = { exitCode: null, signal: null, error: errorMessage(err), output: "" };
    }
    const record: RestartRecord = {
      at,
      attempt,
      maxAttempts: hook.maxAttempts,
      command: [...hook.command],
      ok: outcome.exitCode === 0,
      exitCode: outcome.exitCode,
      signal: outcome.signal,
      durationMs: Math.round(performance.now() - t0),
      error: outcome.error,
      output: outcome.output,
    };
    const level = record.ok ? "info" : "warn";
    this.log[level]({ service: service.name, attempt, exitCode: record.exitCode, error: record.error, durationMs: record.durationMs }, "restart command finished");
    this.log.debug({ service: service.name, output: record.output }, "restart command output");
    try {
      this.o.onRecord(service.name, record);
    } catch (err) {
      this.log.error({ service: service.name, err: errorMessage(err) }, "restart not recorded");
    }
  }

  private get(service: string): Attempts {
    let s = this.state.get(service);
    if (!s) {
      const row = this.select.get(`${service}|restart`) as { state: string } | undefined;
      s = { attempts: 0, lastAt: null };
      try {
        if (row) s = { ...s, ...(JSON.parse(row.state) as Partial<Attempts>) };
      } catch {
        // A damaged row counts as no attempts yet.
      }
      this.state.set(service, s);
    }
    return s;
  }

  private put(service: string, s: Attempts): void {
    this.state.set(service, s);
    this.upsert.run(`${service}|restart`, service, JSON.stringify(s), this.o.now());
  }
}
