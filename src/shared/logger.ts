import pino, { type Logger, type DestinationStream } from "pino";

export type { Logger };

export interface LoggerOptions {
  level?: string;
  pretty?: boolean;
  /** Where log lines go; tests pass a Writable and read the entries back. */
  destination?: DestinationStream;
}

/** Paths whose values never reach a log line: workspace credentials, tokens and router keys. */
export const REDACT_PATHS = [
  "password",
  "*.password",
  "*.*.password",
  "token",
  "*.token",
  "accessToken",
  "*.accessToken",
  "refreshToken",
  "*.refreshToken",
  "apiKey",
  "*.apiKey",
  "*.*.apiKey",
  "authorization",
  "*.authorization",
  "headers.authorization",
  "*.headers.authorization",
];

/** Builds the one root logger; every module gets a child of it. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? "info";
  const redact = { paths: REDACT_PATHS, censor: "[redacted]" };
  if (options.destination) return pino({ level, redact }, options.destination);
  if (options.pretty) {
    return pino({ level, redact, transport: { target: "pino-pretty", options: { colorize: true, destination: 2 } } });
  }
  return pino({ level, redact }, pino.destination(2));
}

/** A logger that drops everything, for commands whose output is the answer. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
