import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DataSource } from 'typeorm';
import type { DataSourceOptions } from 'typeorm';
import { ALL_ENTITIES } from '../../entities';
import { ALL_MIGRATIONS } from './migrations';

export type DatabaseEngine = 'sqlite' | 'mysql';

export function engineOf(databaseUrl: string): DatabaseEngine {
  return databaseUrl.startsWith('sqlite:') ? 'sqlite' : 'mysql';
}

/** `sqlite:./data/x.sqlite`, `sqlite:/abs/x.sqlite` or `sqlite::memory:` → a path for better-sqlite3. */
function sqlitePath(databaseUrl: string): string {
  const path = databaseUrl.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
  if (path === '') {
    throw new Error(
      `DATABASE_URL '${databaseUrl}' has no file path (e.g. sqlite:./data/crm-sms.sqlite)`,
    );
  }
  return path === ':memory:' ? path : resolve(path);
}

/** The SQLite database file of a DATABASE_URL, or null (MySQL/MariaDB, or in memory). */
export function sqliteFile(databaseUrl: string): string | null {
  if (engineOf(databaseUrl) !== 'sqlite') {
    return null;
  }
  const path = sqlitePath(databaseUrl);
  return path === ':memory:' ? null : path;
}

/**
 * The settings of every SQLite connection the app opens (and the benchmark's bare loop, so
 * that its baseline writes the same way).
 */
export function configureSqlite(db: { pragma: (sql: string) => unknown }): void {
  // WAL lets the web server read while the scheduler writes; busy_timeout makes writers wait
  // for each other instead of failing with SQLITE_BUSY.
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('synchronous = NORMAL');
  // SQLite's default page cache is 2 MB; a campaign of a million recipients writes pages
  // all over its (campaign, number) index, which otherwise come back from the OS for
  // every message. 16 MB: +15% generation speed at 1,000,000 for ~10 MB of peak RSS
  // (bench/README.md; 32 MB was faster still but peaked 70 MB higher).
  db.pragma('cache_size = -16384');
  // The checkpoint runs on its own thread (sqlite-checkpointer.ts); a commit checkpoints
  // itself only when the log passes 20,000 pages (80 MB), the backstop.
  db.pragma('wal_autocheckpoint = 20000');
}

export function dataSourceOptions(databaseUrl: string): DataSourceOptions {
  const common = {
    entities: ALL_ENTITIES,
    migrations: ALL_MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    logging: false,
  } as const;

  if (engineOf(databaseUrl) === 'sqlite') {
    const database = sqlitePath(databaseUrl);
    if (database !== ':memory:') {
      mkdirSync(dirname(database), { recursive: true });
    }
    return {
      ...common,
      type: 'better-sqlite3',
      database,
      prepareDatabase: configureSqlite,
    };
  }

  // TypeORM reads MariaDB's catalogue slightly differently from MySQL's (quoted defaults), so
  // mariadb:// selects its MariaDB dialect; the wire protocol and driver (mysql2) are the same.
  const mariadb = databaseUrl.startsWith('mariadb:');
  const url = new URL(databaseUrl.replace(/^mariadb:/, 'mysql:'));
  return {
    ...common,
    type: mariadb ? 'mariadb' : 'mysql',
    host: url.hostname || 'localhost',
    port: url.port ? Number(url.port) : 3306,
    username: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: decodeURIComponent(url.pathname.replace(/^\//, '')),
    socketPath: url.searchParams.get('socketPath') ?? undefined,
    charset: 'utf8mb4_unicode_ci',
    // Dates are stored and read as UTC whatever the server's time zone.
    timezone: 'Z',
    extra: { connectionLimit: Number(url.searchParams.get('connectionLimit') ?? 10) },
  };
}

export function createDataSource(databaseUrl: string): DataSource {
  return new DataSource(dataSourceOptions(databaseUrl));
}

/** True on MySQL and MariaDB (row locks, SKIP LOCKED); false on SQLite. */
export function isMysqlFamily(dataSource: DataSource): boolean {
  return dataSource.options.type === 'mysql' || dataSource.options.type === 'mariadb';
}
