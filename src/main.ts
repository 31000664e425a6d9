import 'reflect-metadata';
import { engineOf } from './db/data-source';
import { describeGateway } from './gateways/gateway.factory';
import { Logger } from './logger';
import { exitOnSignals, failStart, loadConfigOrExit } from './process';
import { startServer } from './server';

/** `npm start`: the web server and, unless SCHEDULER=off, the scheduler. */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = new Logger(config.logLevel);
  const running = await startServer(config, logger);
  logger.info('crm-sms listening', {
    url: `http://localhost:${running.port}`,
    database: engineOf(config.databaseUrl),
    scheduler: config.scheduler.enabled ? 'on' : 'off (SCHEDULER=off)',
    gateway: describeGateway(running.sending.gateway),
  });
  if (!config.adminApiToken && !config.adminPassword) {
    logger.warn(
      'neither ADMIN_API_TOKEN nor ADMIN_PASSWORD is set: create a first admin with `npm run user:create` (see README)',
    );
  }
  exitOnSignals('crm-sms', running.close, logger);
}

main().catch(failStart('crm-sms'));
