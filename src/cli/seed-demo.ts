import { createServices } from '../services';
import { seedDemoData } from '../services/demo-data';
import { runCli } from './cli-support';

runCli('seed:demo', async (dataSource, config, logger) => {
  const loaded = await seedDemoData(createServices(dataSource, config));
  logger.info(loaded ? 'demo data loaded' : 'demo data already loaded; nothing to do');
});
