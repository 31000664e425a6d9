import { ConfigError, loadConfig } from './config/config';
import type { AppConfig } from './config/config';
import type { Logger } from './logger';

/** The configuration, or exit 2 with the message naming the bad variable. */
export function loadConfigOrExit(): AppConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`configuration error: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}

/** Closes cleanly on SIGTERM/SIGINT (in-flight sends finish, the database is released). */
export function exitOnSignals(what: string, close: () => Promise<void>, logger: Logger): void {
  const shutdown = (signal: string) => {
    logger.info(`${what} shutting down`, { signal });
    close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

export function failStart(what: string): (error: unknown) => never {
  return (error: unknown) => {
    process.stderr.write(
      `${what} failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  };
}
