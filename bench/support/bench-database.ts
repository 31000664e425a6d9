import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { loadConfig } from '../../src/config/config';
import { Logger } from '../../src/logger';
import { openDatabase } from '../../src/server';
import { onCleanup } from './cleanup';
import { openRaw } from './raw-database';
import type { Engine, RawDatabase } from './raw-database';

export interface BenchDatabase {
  engine: Engine;
  /** DATABASE_URL for the app, its workers and the children. */
  url: string;
  /** Driver-level connection for seeding and bookkeeping. */
  raw: RawDatabase;
  drop: () => Promise<void>;
}

/**
 * A fresh database with the app's schema: a file under os.tmpdir() for SQLite, a new database
 * on the bench's MariaDB server otherwise. Migrations are applied by the app's own openDatabase.
 */
export async function createBenchDatabase(
  engine: Engine,
  mariaDbAdminUrl: string | null,
): Promise<BenchDatabase> {
  let url: string;
  let remove: () => Promise<void>;
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'crm-sms-bench-'));
    url = `sqlite:${join(dir, 'bench.sqlite')}`;
    remove = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    if (!mariaDbAdminUrl) {
      throw new Error('MariaDB is not running');
    }
    const name = `crm_bench_${randomBytes(5).toString('hex')}`;
    const admin = await createConnection(mariaDbAdminUrl);
    await admin.query(`CREATE DATABASE ${name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await admin.end();
    // mariadb:// selects TypeORM's MariaDB dialect, as a production deployment would.
    url = `${mariaDbAdminUrl.replace(/^mysql:/, 'mariadb:')}/${name}`;
    remove = async () => {
      const conn = await createConnection(mariaDbAdminUrl);
      await conn.query(`DROP DATABASE IF EXISTS ${name}`);
      await conn.end();
    };
  }
  const dropNow = onCleanup(`${engine} database`, remove);
  const dataSource = await openDatabase(loadConfig({ DATABASE_URL: url }), new Logger('silent'));
  await dataSource.destroy();
  const raw = await openRaw(url);
  const closeRaw = onCleanup(`${engine} raw connection`, () => raw.close());
  return {
    engine,
    url,
    raw,
    drop: async () => {
      await closeRaw();
      await dropNow();
    },
  };
}
