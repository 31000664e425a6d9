import 'reflect-metadata';
import { ConfigError, loadConfig } from './config/config';
import { engineOf } from './db/data-source';
import { describeGateway } from './gateways/gateway.factory';
import { Logger } from './logger';
import { startWorker } from './server';

/** `npm run worker`: the scheduled jobs without the web server. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`configuration error: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = new Logger(config.logLevel);
  const worker = await startWorker(config, logger);
  logger.info('crm-sms worker running', {
    database: engineOf(config.databaseUrl),
    gateway: describeGateway(worker.sending.gateway),
    pid: process.pid,
  });
  const shutdown = (signal: string) => {
    logger.info('worker shutting down', { signal });
    worker.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `crm-sms worker failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
