/**
 * @module core/logger
 * Structured logging with pino: JSON lines by default, pretty output on a TTY (`--log.format`).
 */
import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

/** Log output formats: `json` (one object per line), `text` (pretty), or `auto` (pretty on a TTY). */
export type LogFormat = 'auto' | 'json' | 'text';

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  level?: LevelWithSilent;
  format?: LogFormat;
  /** Where to write; defaults to stderr so stdout stays free for command output. */
  destination?: NodeJS.WritableStream & { fd?: number };
  name?: string;
}

/** Creates the process logger. */
export function createLogger(opts: LoggerOptions = {}): Logger {
  const level = opts.level ?? 'info';
  const dest = opts.destination ?? process.stderr;
  const pretty = opts.format === 'text' || (opts.format !== 'json' && Boolean((dest as { isTTY?: boolean }).isTTY));
  const base = { name: opts.name ?? 'powerplane' };
  if (pretty) {
    return pino(
      { level, base },
      pino.transport({ target: 'pino-pretty', options: { destination: 2, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,name' } }),
    );
  }
  return pino({ level, base, timestamp: pino.stdTimeFunctions.isoTime }, dest as pino.DestinationStream);
}

/** A logger that drops everything (tests). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
