import { closeSync, existsSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { join, resolve } from "node:path";
import { TrackerError } from "../shared/errors.ts";

export const LOCK_FILE = "tracker.lock";

/** Data folders this process holds, so a lock file naming our own pid is told apart from a stale one. */
const heldHere = new Set<string>();

export interface LockInfo {
  pid: number;
  startedAt: number;
  /** ws:// URL of the embedded workspace this tracker serves, for commands that talk to it. */
  workspaceUrl?: string;
  httpUrl?: string;
}

/** The running tracker on this data folder, if any (a lock left by a crashed one does not count). */
export function runningTracker(dataDir: string): LockInfo | undefined {
  const path = join(dataDir, LOCK_FILE);
  if (!existsSync(path)) return undefined;
  try {
    const info = JSON.parse(readFileSync(path, "utf8")) as LockInfo;
    return isAlive(info.pid) ? info : undefined;
  } catch {
    return undefined;
  }
}

/** Takes the data folder for this process; a live tracker holding it is a clear error, a stale lock is replaced. */
export function acquireDataLock(dataDir: string, info: Omit<LockInfo, "pid">): { update(extra: Partial<LockInfo>): void; release(): void } {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, LOCK_FILE);
  const key = resolve(dataDir);
  const holder = runningTracker(dataDir);
  if (holder && (holder.pid !== process.pid || heldHere.has(key))) {
    throw new TrackerError("STORE_LOCKED", `${dataDir} is in use by another tracker (pid ${holder.pid}); stop it first or set dataDir`, { exitCode: 2 });
  }
  if (existsSync(path)) unlinkSync(path);
  let current: LockInfo = { ...info, pid: process.pid };
  const write = (): void => {
    // Written to a fresh file with O_EXCL, so two trackers starting at once cannot both win.
    const fd = openSync(path, existsSync(path) ? "w" : "wx");
    try {
      writeSync(fd, JSON.stringify(current));
    } finally {
      closeSync(fd);
    }
  };
  try {
    write();
    heldHere.add(key);
  } catch (err) {
    throw new TrackerError("STORE_LOCKED", `${dataDir}: another tracker took the data folder at the same moment`, { cause: err, exitCode: 2 });
  }
  return {
    update(extra) {
      current = { ...current, ...extra };
      write();
    },
    release() {
      heldHere.delete(key);
      try {
        const onDisk = JSON.parse(readFileSync(path, "utf8")) as LockInfo;
        if (onDisk.pid === process.pid) unlinkSync(path);
      } catch {
        // Already gone.
      }
    },
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
