import 'reflect-metadata';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DataSource } from 'typeorm';
import { createApp } from './app';
import type { AppConfig } from './config/config';
import { createDataSource } from './db/data-source';
import { installTransactionGate } from './db/transactions';
import { Logger } from './logger';
import { createServices } from './services';
import type { Services } from './services';

export interface RunningServer {
  url: string;
  port: number;
  dataSource: DataSource;
  services: Services;
  close: () => Promise<void>;
}

/** Opens the database, applies pending migrations and connects the services. */
export async function openDatabase(config: AppConfig, logger: Logger): Promise<DataSource> {
  const dataSource = createDataSource(config.databaseUrl);
  await dataSource.initialize();
  installTransactionGate(dataSource);
  const applied = await dataSource.runMigrations({ transaction: 'each' });
  for (const migration of applied) {
    logger.info('migration applied', { name: migration.name });
  }
  return dataSource;
}

/** Starts the web service: database, migrations, bootstrap admin, HTTP. */
export async function startServer(
  config: AppConfig,
  logger = new Logger(config.logLevel),
): Promise<RunningServer> {
  const dataSource = await openDatabase(config, logger);
  const services = createServices(dataSource, config);
  if (config.adminApiToken) {
    const admin = await services.users.ensureBootstrapAdmin(
      config.adminApiToken,
      config.adminEmail,
    );
    logger.info('bootstrap admin ready', { email: admin.email });
  }
  const app = createApp(services, config, logger);
  const server: Server = await new Promise((resolve, reject) => {
    const listening = app.listen(config.port, () => resolve(listening));
    listening.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    dataSource,
    services,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await dataSource.destroy();
    },
  };
}
