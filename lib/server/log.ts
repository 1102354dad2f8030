/**
 * The server's log, at the level TRELLIS_LOG_LEVEL names (debug < info < warn < error): a line
 * below it is dropped. Lines go to the console (debug and info to stdout, warn and error to
 * stderr), prefixed `[trellis]`, with every known secret value replaced by `[redacted]`.
 */
import { config, type TrellisConfig } from "./env";
import { redactSecrets, redactText } from "./connections/redaction";

export type LogLevel = TrellisConfig["logLevel"];

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export type Logger = Record<LogLevel, (message: string, ...data: unknown[]) => void> & {
  readonly level: LogLevel;
  /** whether a line at this level is written */
  enabled(level: LogLevel): boolean;
};

type Sink = Pick<Console, "debug" | "info" | "warn" | "error">;

export function createLogger(level: LogLevel, sink: Sink = console): Logger {
  const enabled = (at: LogLevel) => ORDER[at] >= ORDER[level];
  const line = (at: LogLevel) => (message: string, ...data: unknown[]) => {
    // Every line passes the secret redactor: no connection's secret is ever written out.
    if (enabled(at)) sink[at](redactText(`[trellis] ${message}`), ...data.map((d) => redactSecrets(d)));
  };
  return { level, enabled, debug: line("debug"), info: line("info"), warn: line("warn"), error: line("error") };
}

let cached: Logger | undefined;

/** The server's logger, at the configured level (read once, with the rest of the configuration). */
export function serverLog(): Logger {
  cached ??= createLogger(config().logLevel);
  return cached;
}
