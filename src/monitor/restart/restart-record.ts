/** One run of a service's restart command, as kept on its incident (incidents.detail.restarts). */
export interface RestartRecord {
  /** When it started, ms since the epoch. */
  at: number;
  /** 1 for the first attempt of this outage. */
  attempt: number;
  maxAttempts: number;
  command: string[];
  ok: boolean;
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  /** Why it failed when it did not run to an exit code (not found, timed out). */
  error: string | null;
  /** The last characters of stdout and stderr. */
  output: string;
}
