import { readdir, readFile } from "node:fs/promises";
import { runCommand } from "../shared/run-command.ts";

export interface RunningProcess {
  pid: number;
  /** The command line, arguments joined by spaces. */
  command: string;
}

/**
 * Running processes whose command line contains `match`, except this process itself. Reads /proc on Linux;
 * elsewhere asks `ps`. Returns a reason string when neither works.
 */
export async function findProcesses(match: string, options: { signal: AbortSignal; timeoutMs: number; now: () => number; selfPid: number }): Promise<RunningProcess[] | string> {
  const fromProc = await scanProc(match, options.signal, options.selfPid);
  if (fromProc !== null) return fromProc;
  const ps = await runCommand(["ps", "-axo", "pid=,args="], options);
  if (ps.exitCode !== 0) return `cannot list processes: no /proc, and ps ${ps.problem ?? `exited with ${ps.exitCode}`}`;
  return parsePs(ps.stdout).filter((p) => p.pid !== options.selfPid && p.command.includes(match));
}

/** `ps -o pid=,args=` output: the pid, spaces, then the command line. */
export function parsePs(text: string): RunningProcess[] {
  const out: RunningProcess[] = [];
  for (const line of text.split("\n")) {
    const m = /^\s*(\d+)\s+(.*)$/.exec(line);
    if (m) out.push({ pid: Number(m[1]), command: m[2]!.trim() });
  }
  return out;
}

/** Null when there is no /proc to read. Processes that exit while being read are skipped. */
async function scanProc(match: string, signal: AbortSignal, selfPid: number): Promise<RunningProcess[] | null> {
  let entries: string[];
  try {
    entries = await readdir("/proc");
  } catch {
    return null;
  }
  const found: RunningProcess[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    signal.throwIfAborted();
    const pid = Number(entry);
    if (pid === selfPid) continue;
    let raw: Buffer;
    try {
      raw = await readFile(`/proc/${entry}/cmdline`);
    } catch {
      continue;
    }
    // Arguments are NUL-separated; kernel threads have an empty command line.
    const command = raw.toString("utf8").replace(/\0+$/, "").replace(/\0/g, " ");
    if (command && command.includes(match)) found.push({ pid, command });
  }
  return found;
}
