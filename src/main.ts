import 'reflect-metadata';
import { ConfigError, loadConfig } from './config/config';
import { engineOf } from './db/data-source';
import { describeGateway } from './gateways/gateway.factory';
import { Logger } from './logger';
import { startServer } from './server';

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
  const running = await startServer(config, logger);
  logger.info('crm-sms listening', {
    url: `http://localhost:${running.port}`,
    database: engineOf(config.databaseUrl),
    scheduler: config.scheduler.enabled ? 'on' : 'off (SCHEDULER=off)',
    gateway: describeGateway(running.sending.gateway),
  });
  if (!config.adminApiToken) {
    logger.warn(
      'ADMIN_API_TOKEN is not set: no admin can use the API until one is created (see README)',
    );
  }
  const shutdown = (signal: string) => {
    logger.info('shutting down', { signal });
    running.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `crm-sms failed to start: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});
