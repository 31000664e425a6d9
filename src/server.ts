import 'reflect-metadata';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DataSource } from 'typeorm';
import type { RunningScheduler } from '../jobs/scheduler';
import { createApp } from './app';
import type { AppConfig } from './config/config';
import { dirname, join, resolve } from 'node:path';
import { createDataSource, engineOf, sqliteFile } from './db/data-source';
import { CHECKPOINT_INTERVAL_MS, SqliteCheckpointer } from './db/sqlite-checkpointer';
import { installTransactionGate } from './db/transactions';
import { createGateway, describeGateway } from './gateways/gateway.factory';
import { SwitchableGateway } from './gateways/switchable.gateway';
import { GatewaySettingsService } from './services/settings/gateway-settings.service';
import { SecretBox } from './services/settings/secret-box';
import type { SmsGateway } from './gateways/sms-gateway';
import { Logger } from './logger';
import { createSendingRuntime, scheduleJobs } from './scheduler-runtime';
import type { SendingRuntime } from './scheduler-runtime';
import { createServices } from './services';
import type { Services } from './services';
import { TestSendService } from './services/test-send.service';

type Env = Record<string, string | undefined>;

export interface RunningServer {
  gatewaySettings: GatewaySettingsService;
  url: string;
  port: number;
  dataSource: DataSource;
  services: Services;
  sending: SendingRuntime;
  scheduler: RunningScheduler | null;
  close: () => Promise<void>;
}

export interface StartOptions {
  /** Where gateway settings are read from (default: process.env). */
  env?: Env;
  /** Use this gateway instead of the one SMS_PROVIDER selects. */
  gateway?: SmsGateway;
}

/** Opens the database, applies pending migrations and connects the services. */
export async function openDatabase(config: AppConfig, logger: Logger): Promise<DataSource> {
  const dataSource = createDataSource(config.databaseUrl);
  await dataSource.initialize();
  installTransactionGate(dataSource);
  const file = sqliteFile(config.databaseUrl);
  if (file) {
    const checkpointer = SqliteCheckpointer.start(file, CHECKPOINT_INTERVAL_MS, logger);
    // Whoever closes the database (shutdown, tests, the CLI) stops the thread with it.
    const destroy = dataSource.destroy.bind(dataSource);
    dataSource.destroy = async () => {
      await checkpointer.stop();
      await destroy();
    };
  }
  const applied = await dataSource.runMigrations({ transaction: 'each' });
  for (const migration of applied) {
    logger.info('migration applied', { name: migration.name });
  }
  return dataSource;
}

interface Core {
  dataSource: DataSource;
  services: Services;
  sending: SendingRuntime;
  scheduler: RunningScheduler | null;
  gatewaySettings: GatewaySettingsService;
  reloadGateway: () => Promise<void>;
  shutdown: () => Promise<void>;
}

/** Where the settings key lives when SETTINGS_ENCRYPTION_KEY is not set: beside the SQLite file. */
function settingsKeyFile(databaseUrl: string): string {
  if (engineOf(databaseUrl) === 'sqlite' && !databaseUrl.endsWith(':memory:')) {
    return join(dirname(resolve(databaseUrl.slice('sqlite:'.length))), 'settings.key');
  }
  return resolve('data', 'settings.key');
}

/** Database, services, gateway and (when enabled) the scheduled jobs. */
async function startCore(
  config: AppConfig,
  logger: Logger,
  options: StartOptions,
  withScheduler: boolean,
): Promise<Core> {
  const env = options.env ?? process.env;
  const gatewayLog = (message: string, fields: Record<string, unknown>) =>
    logger.info(message, fields);
  // A misconfigured provider in the environment stops the start before anything runs.
  if (!options.gateway) {
    await createGateway(env, gatewayLog).close?.();
  }
  const dataSource = await openDatabase(config, logger);
  const services = createServices(dataSource, config, logger);
  const gatewaySettings = new GatewaySettingsService(
    dataSource,
    SecretBox.fromEnvOrFile(env.SETTINGS_ENCRYPTION_KEY, settingsKeyFile(config.databaseUrl)),
  );
  // Settings saved from the admin pages override the environment.
  const readSettings = async () => {
    try {
      return await gatewaySettings.effectiveEnv(env);
    } catch (error) {
      logger.error('saved gateway settings cannot be read; using the environment', {
        hint: 'was SETTINGS_ENCRYPTION_KEY or the settings.key file changed?',
        error: error instanceof Error ? error.message : String(error),
      });
      return { env, ratePerSecond: null };
    }
  };
  const initial = await readSettings();
  const gateway = new SwitchableGateway(options.gateway ?? createGateway(initial.env, gatewayLog));
  const sending = createSendingRuntime(
    dataSource,
    services,
    gateway,
    config,
    config.scheduler.gatewayTimeoutMs,
    logger,
  );
  if (initial.ratePerSecond !== null) {
    sending.dispatcher.limiter.setRate(initial.ratePerSecond);
  }
  let settingsVersion = await gatewaySettings.version();
  /** Rebuilds the gateway when the admin saved new settings (this or another process). */
  const reloadGateway = async (force = false) => {
    const version = await gatewaySettings.version();
    if (!force && version === settingsVersion) {
      return;
    }
    settingsVersion = version;
    const next = await readSettings();
    gateway.swap(options.gateway ?? createGateway(next.env, gatewayLog));
    sending.dispatcher.limiter.setRate(next.ratePerSecond ?? config.scheduler.ratePerSecond);
    logger.info('gateway settings applied', { gateway: describeGateway(gateway) });
  };
  const scheduler = withScheduler
    ? scheduleJobs(sending, config, logger, {
        name: 'reload-gateway-settings',
        cron: '*/15 * * * * *',
        job: { run: () => reloadGateway() },
      })
    : null;
  if (scheduler) {
    logger.info('scheduler started', { provider: gateway.name });
    void scheduler.runAll();
  }
  return {
    dataSource,
    services,
    sending,
    scheduler,
    gatewaySettings,
    reloadGateway: () => reloadGateway(true),
    shutdown: async () => {
      await scheduler?.stop();
      await gateway.close?.();
      await dataSource.destroy();
    },
  };
}

/** The web service (and, unless SCHEDULER=off, the scheduler in the same process). */
export async function startServer(
  config: AppConfig,
  logger = new Logger(config.logLevel),
  options: StartOptions = {},
): Promise<RunningServer> {
  const core = await startCore(config, logger, options, config.scheduler.enabled);
  const { services, sending } = core;
  if (config.adminApiToken) {
    const admin = await services.users.ensureBootstrapAdmin(
      config.adminApiToken,
      config.adminEmail,
    );
    logger.info('bootstrap admin ready', { email: admin.email });
  }
  if (config.adminPassword) {
    const admin = await services.users.ensureAdminWithPassword(
      config.adminEmail,
      config.adminPassword,
    );
    logger.info('admin can sign in to the pages', { email: admin.email });
  }
  const testSends = new TestSendService(
    core.dataSource,
    services.composer,
    services.templates,
    services.records,
    sending.dispatcher,
    config.smsMaxSegments,
    config.scheduler.leaseSeconds,
    services.consent,
  );
  services.inbound.helpSender = async (to, body) => {
    await testSends.sendReply(to, body);
  };
  const app = createApp(services, config, logger, {
    testSends,
    gatewaySettings: core.gatewaySettings,
    reloadGateway: core.reloadGateway,
    env: options.env ?? process.env,
  });
  const server: Server = await new Promise((resolve, reject) => {
    const listening = app.listen(config.port, () => resolve(listening));
    listening.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    gatewaySettings: core.gatewaySettings,
    dataSource: core.dataSource,
    services,
    sending,
    scheduler: core.scheduler,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await core.shutdown();
    },
  };
}

export interface RunningWorker {
  dataSource: DataSource;
  sending: SendingRuntime;
  close: () => Promise<void>;
}

/** The scheduler alone (`npm run worker`): any number may share one MySQL/MariaDB database. */
export async function startWorker(
  config: AppConfig,
  logger = new Logger(config.logLevel),
  options: StartOptions = {},
): Promise<RunningWorker> {
  const core = await startCore(config, logger, options, true);
  return { dataSource: core.dataSource, sending: core.sending, close: core.shutdown };
}
