import { execFile } from "node:child_process";

export interface CommandOutcome {
  exitCode: number | null;
  signal: string | null;
  /** Set when the command did not run to an exit code of its own: not found, timed out, aborted. */
  error: string | null;
  output: string;
}

const OUTPUT_TAIL = 500;

/**
 * Runs a command from the config file with execFile: no shell, so nothing in an argument is interpreted.
 * Resolves (never rejects) with the exit code, or the reason there is none.
 */
export function runCommand(command: readonly string[], options: { timeoutMs: number; signal?: AbortSignal }): Promise<CommandOutcome> {
  const [file, ...args] = command;
  return new Promise((resolve) => {
    execFile(file!, args, { timeout: options.timeoutMs, signal: options.signal, shell: false, windowsHide: true, maxBuffer: 256 * 1024 }, (err, stdout, stderr) => {
      const output = `${stdout}${stderr}`.slice(-OUTPUT_TAIL).trim();
      if (!err) return resolve({ exitCode: 0, signal: null, error: null, output });
      const e = err as NodeJS.ErrnoException & { code?: string | number; killed?: boolean; signal?: string | null };
      if (typeof e.code === "number") return resolve({ exitCode: e.code, signal: null, error: null, output });
      if (e.killed || e.signal) {
        const why = e.name === "AbortError" ? "aborted" : `timed out after ${options.timeoutMs} ms`;
        return resolve({ exitCode: null, signal: e.signal ?? null, error: why, output });
      }
      resolve({ exitCode: null, signal: null, error: e.code === "ENOENT" ? `${file}: command not found` : e.message, output });
    });
  });
}
