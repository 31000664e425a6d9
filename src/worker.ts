import 'reflect-metadata';
import { engineOf } from './db/data-source';
import { describeGateway } from './gateways/gateway.factory';
import { Logger } from './logger';
import { exitOnSignals, failStart, loadConfigOrExit } from './process';
import { startWorker } from './server';

/** `npm run worker`: the scheduled jobs without the web server. */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = new Logger(config.logLevel);
  const worker = await startWorker(config, logger);
  logger.info('crm-sms worker running', {
    database: engineOf(config.databaseUrl),
    gateway: describeGateway(worker.sending.gateway),
    pid: process.pid,
  });
  exitOnSignals('worker', worker.close, logger);
}

main().catch(failStart('crm-sms worker'));
