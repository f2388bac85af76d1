import { execFile } from "node:child_process";

export interface CommandOutcome {
  /** Exit code, or null when the command could not start, was killed or timed out. */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** Why there is no exit code: not found, timed out, killed. */
  problem: string | null;
  durationMs: number;
}

/** Output past this is dropped: a check command only needs its first lines. */
const MAX_OUTPUT = 64 * 1024;

/**
 * Runs a command from the config file without a shell (no word splitting, no globbing, nothing from the
 * workspace), under a timeout and the probe's signal. Never throws.
 */
export function runCommand(argv: readonly string[], options: { timeoutMs: number; signal: AbortSignal; now: () => number }): Promise<CommandOutcome> {
  const [file, ...args] = argv;
  const started = options.now();
  return new Promise((resolve) => {
    if (!file) {
      resolve({ exitCode: null, stdout: "", stderr: "", problem: "empty command", durationMs: 0 });
      return;
    }
    execFile(
      file,
      args,
      { timeout: options.timeoutMs, signal: options.signal, maxBuffer: MAX_OUTPUT, windowsHide: true, killSignal: "SIGKILL" },
      (err, stdout, stderr) => {
        const durationMs = options.now() - started;
        const out = { stdout: String(stdout ?? ""), stderr: String(stderr ?? ""), durationMs };
        if (!err) return resolve({ ...out, exitCode: 0, problem: null });
        const e = err as NodeJS.ErrnoException & { code?: string | number; killed?: boolean; signal?: string | null };
        if (typeof e.code === "number") return resolve({ ...out, exitCode: e.code, problem: null });
        if (e.code === "ENOENT") return resolve({ ...out, exitCode: null, problem: `${file}: not found on PATH` });
        if (e.code === "EACCES") return resolve({ ...out, exitCode: null, problem: `${file}: not executable` });
        if (e.code === "ABORT_ERR" || options.signal.aborted) return resolve({ ...out, exitCode: null, problem: `${file}: stopped (probe timeout)` });
        if (e.code === "ERR_CHILD_PROCESS_STDIO_MAXBUFFER") return resolve({ ...out, exitCode: null, problem: `${file}: printed more than ${MAX_OUTPUT} bytes` });
        if (e.killed || e.signal) {
          const why = durationMs >= options.timeoutMs ? `timed out after ${options.timeoutMs} ms` : `killed by ${e.signal ?? "a signal"}`;
          return resolve({ ...out, exitCode: null, problem: `${file}: ${why}` });
        }
        resolve({ ...out, exitCode: null, problem: `${file}: ${e.message}` });
      },
    );
  });
}

/** The first non-empty line of some output, trimmed and shortened, for a detail or a version. */
export function firstLine(text: string, max = 120): string {
  const line = text.split(/\r?\n/).map((l) => l.trim()).find((l) => l.length > 0) ?? "";
  return line.length > max ? `${line.slice(0, max)}…` : line;
}
