import { runCli } from './cli-support';

// openDatabase applies pending migrations and logs each one; nothing else to do.
runCli('migrate', async (dataSource, _config, logger) => {
  const pending = await dataSource.showMigrations();
  logger.info(pending ? 'migrations still pending' : 'database schema is up to date');
});
