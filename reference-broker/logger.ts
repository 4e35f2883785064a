/** Severity of a broker log line. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** A minimal line logger: one line per event on a writable stream (stderr by default). */
export interface Logger {
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

/** Creates a logger writing `[time] LEVEL name: msg` lines at or above `level`. */
export function createLogger(
  name: string,
  level: LogLevel = 'info',
  out: { write(s: string): unknown } = process.stderr,
): Logger {
  const min = ORDER[level];
  const line = (l: LogLevel) => (msg: string) => {
    if (ORDER[l] >= min) out.write(`[${new Date().toISOString()}] ${l.toUpperCase()} ${name}: ${msg}\n`);
  };
  return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
}

/** A logger that drops everything (tests, embedded use). */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
