import 'reflect-metadata';
import { loadConfig } from './src/config/config';
import { createDataSource } from './src/db/data-source';

/** The application's DataSource, configured by DATABASE_URL (default: embedded SQLite). */
export const AppDataSource = createDataSource(loadConfig().databaseUrl);
export default AppDataSource;
