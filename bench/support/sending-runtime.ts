import type { DataSource } from 'typeorm';
import { loadConfig } from '../../src/config/config';
import { createGateway } from '../../src/gateways/gateway.factory';
import { Logger } from '../../src/logger';
import { createSendingRuntime, type SendingRuntime } from '../../src/scheduler-runtime';
import { openDatabase } from '../../src/server';
import { createServices } from '../../src/services';

export interface BenchRuntime {
  dataSource: DataSource;
  sending: SendingRuntime;
  close: () => Promise<void>;
}

/**
 * The app's sending machinery built the way the worker builds it (openDatabase, createServices,
 * createSendingRuntime), without starting the scheduler: the bench drives the jobs itself.
 */
export async function openSendingRuntime(env: Record<string, string>): Promise<BenchRuntime> {
  const vars = { LOG_LEVEL: 'warn', SCHEDULER: 'off', ...env };
  const config = loadConfig(vars);
  const logger = new Logger(config.logLevel);
  const gateway = createGateway(vars, () => undefined);
  const dataSource = await openDatabase(config, logger);
  const services = createServices(dataSource, config, logger);
  const sending = createSendingRuntime(
    dataSource,
    services,
    gateway,
    config,
    config.scheduler.gatewayTimeoutMs,
    logger,
  );
  return {
    dataSource,
    sending,
    close: async () => {
      await gateway.close?.();
      await dataSource.destroy();
    },
  };
}
