import type { ProbeStatus } from "../probes/probe-kind.ts";
import { errorMessage } from "../shared/errors.ts";
import type { Logger } from "../shared/logger.ts";
import type { RecordWriter } from "../workspace/record-writer.ts";
import { HEALTH } from "../workspace/databases.ts";
import type { ObservationStore, WindowStats } from "./observation-store.ts";
import { roundMs } from "./percentile.ts";

export interface HealthRollupsOptions {
  observations: ObservationStore;
  records: RecordWriter;
  windowMs: number;
  logger: Logger;
  now: () => number;
  /** Called for every window as it closes (the performance check hangs off this). */
  onWindowClosed?(stats: WindowStats): void;
}

/** How far back a restart looks for windows it did not close before it stopped. */
const CATCH_UP_MS = 24 * 3_600_000;

/**
 * Health rows per service per window (DESIGN section 3): a row is written when its window closes and again on
 * every state change inside it, under the key `${service}|${windowStartISO}`, so the grid holds one row per
 * window, not one per check. Windows are computed from the observations in the store, so a restart loses none.
 */
export class HealthRollups {
  private readonly o: HealthRollupsOptions;
  private readonly log: Logger;
  private readonly lastStatus = new Map<string, ProbeStatus>();
  private closedUpTo: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(options: HealthRollupsOptions) {
    this.o = options;
    this.log = options.logger.child({ module: "health" });
  }

  /** Closes windows left open by a previous run, then closes each window as its time ends. */
  start(): void {
    this.stopped = false;
    this.closedUpTo = this.o.observations.closedUpTo();
    this.closeDue();
    this.arm();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  windowStart(at: number): number {
    return Math.floor(at / this.o.windowMs) * this.o.windowMs;
  }

  /** Records one check; a change of status rewrites the current window's row at once. */
  note(service: string, status: ProbeStatus, at: number): void {
    const previous = this.lastStatus.get(service);
    this.lastStatus.set(service, status);
    if (previous === status) return;
    const stats = this.o.observations.windowStats(service, this.windowStart(at), this.o.windowMs);
    if (stats) this.write(stats);
  }

  /** Closes every window that ended before now and has not been closed; returns what it closed. */
  closeDue(): WindowStats[] {
    const to = this.windowStart(this.o.now());
    const from = this.closedUpTo !== undefined ? Math.min(this.closedUpTo, to) - this.o.windowMs : to - CATCH_UP_MS;
    const closed: WindowStats[] = [];
    for (const { service, windowStart } of this.o.observations.windowsToClose(from, to, this.o.windowMs)) {
      const stats = this.o.observations.windowStats(service, windowStart, this.o.windowMs);
      if (!stats) continue;
      this.o.observations.saveRollup(stats);
      this.write(stats);
      closed.push(stats);
      try {
        this.o.onWindowClosed?.(stats);
      } catch (err) {
        this.log.error({ service, err: errorMessage(err) }, "window-closed handler failed");
      }
    }
    this.closedUpTo = Math.max(this.closedUpTo ?? 0, to);
    if (closed.length > 0) this.log.debug({ windows: closed.length }, "health windows closed");
    return closed;
  }

  private arm(): void {
    if (this.stopped) return;
    const now = this.o.now();
    // A second past the boundary, so a probe that finished on the boundary is already in the store.
    const delay = this.windowStart(now) + this.o.windowMs - now + 1000;
    this.timer = setTimeout(() => {
      try {
        this.closeDue();
      } catch (err) {
        this.log.error({ err: errorMessage(err) }, "closing health windows failed");
      }
      this.arm();
    }, delay);
  }

  private write(stats: WindowStats): void {
    this.o.records.upsert(HEALTH.name, healthKey(stats.service, stats.windowStart), { set: healthCells(stats) });
  }
}

export function healthKey(service: string, windowStart: number): string {
  return `${service}|${new Date(windowStart).toISOString()}`;
}

/** The Health row's cells for a window (pure, so it is tested on its own). */
export function healthCells(s: WindowStats): Record<string, string | number | null> {
  return {
    Service: s.service,
    Window: formatWindow(s.windowStart, s.windowMs),
    Checks: s.checks,
    Failures: s.failures,
    "Availability %": Math.round(s.availability * 100) / 100,
    "Latency p50 ms": roundMs(s.p50Ms),
    "Latency p95 ms": roundMs(s.p95Ms),
    "Worst detail": s.worstStatus === "up" ? "" : `${s.worstStatus}: ${s.worstDetail}`.slice(0, 500),
  };
}

/** "2026-11-25 10:00–10:05 UTC"; seconds appear only for windows that are not whole minutes. */
export function formatWindow(start: number, ms: number): string {
  const withSeconds = ms % 60_000 !== 0 || start % 60_000 !== 0;
  const time = (t: number) => new Date(t).toISOString().slice(11, withSeconds ? 19 : 16);
  return `${new Date(start).toISOString().slice(0, 10)} ${time(start)}–${time(start + ms)} UTC`;
}
