import 'reflect-metadata';
import type { DataSource } from 'typeorm';
import { ConfigError, loadConfig } from '../config/config';
import type { AppConfig } from '../config/config';
import { Logger } from '../logger';
import { openDatabase } from '../server';

/** Runs a command-line tool against the configured database and exits with a clear status. */
export function runCli(
  name: string,
  task: (dataSource: DataSource, config: AppConfig, logger: Logger) => Promise<void>,
): void {
  const run = async () => {
    const config = loadConfig();
    const logger = new Logger(config.logLevel);
    const dataSource = await openDatabase(config, logger);
    try {
      await task(dataSource, config, logger);
    } finally {
      await dataSource.destroy();
    }
  };
  run().catch((error: unknown) => {
    const message =
      error instanceof ConfigError || (error instanceof Error && error.name === 'DomainError')
        ? error.message
        : error instanceof Error
          ? (error.stack ?? error.message)
          : String(error);
    process.stderr.write(`${name}: ${message}\n`);
    process.exit(1);
  });
}

/** `--key value` pairs from argv; refuses anything else so typos are not ignored. */
export function parseFlags(argv: string[], allowed: readonly string[]): Record<string, string> {
  const flags: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i]?.replace(/^--/, '');
    const value = argv[i + 1];
    if (!argv[i]?.startsWith('--') || !allowed.includes(key) || value === undefined) {
      throw new Error(`usage: ${allowed.map((a) => `--${a} <value>`).join(' ')}`);
    }
    flags[key] = value;
  }
  return flags;
}
