import { Writable } from "node:stream";
import { createLogger, type Logger } from "../../src/shared/logger.ts";

/** A logger whose entries tests can read back (Probot's MockLoggerTarget). */
export function captureLogs(level = "debug"): { logger: Logger; entries: Record<string, unknown>[]; text: () => string } {
  const entries: Record<string, unknown>[] = [];
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split("\n")) {
        if (!line) continue;
        lines.push(line);
        entries.push(JSON.parse(line));
      }
      done();
    },
  });
  return { logger: createLogger({ level, destination }), entries, text: () => lines.join("\n") };
}
