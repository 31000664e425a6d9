import type { LogLevel } from './config/config';

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

/** A tiny structured logger: one JSON line per event on stderr. Callers never pass secrets. */
export class Logger {
  constructor(private readonly level: LogLevel = 'info') {}

  debug(message: string, fields?: Record<string, unknown>): void {
    this.write('debug', message, fields);
  }
  info(message: string, fields?: Record<string, unknown>): void {
    this.write('info', message, fields);
  }
  warn(message: string, fields?: Record<string, unknown>): void {
    this.write('warn', message, fields);
  }
  error(message: string, fields?: Record<string, unknown>): void {
    this.write('error', message, fields);
  }

  private write(level: LogLevel, message: string, fields?: Record<string, unknown>): void {
    if (RANK[level] < RANK[this.level]) {
      return;
    }
    const line = JSON.stringify({ time: new Date().toISOString(), level, message, ...fields });
    process.stderr.write(line + '\n');
  }
}
