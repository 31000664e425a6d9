/**
 * Direct driver access (better-sqlite3 / mysql2) for seeding, bookkeeping and the bare
 * baselines: no TypeORM in between, so a baseline measures the driver and nothing else.
 */
import { createRequire } from 'node:module';
import { createConnection } from 'mysql2/promise';
import type { Connection } from 'mysql2/promise';
import { configureSqlite, sqliteFile } from '../../src/db/data-source';
import { CHECKPOINT_INTERVAL_MS, SqliteCheckpointer } from '../../src/db/sqlite-checkpointer';
import { Logger } from '../../src/logger';

export type Engine = 'sqlite' | 'mariadb';

/** The few better-sqlite3 calls the bench uses (the package ships no type declarations). */
interface SqliteStatement {
  run(...params: unknown[]): { changes: number };
  all(...params: unknown[]): unknown[];
}
interface SqliteDatabase {
  prepare(sql: string): SqliteStatement;
  pragma(sql: string): unknown;
  exec(sql: string): void;
  close(): void;
}
type SqliteConstructor = new (path: string) => SqliteDatabase;

/** Rows per multi-row INSERT: 1,000 × 19 columns stays under both engines' placeholder limits. */
export const RAW_INSERT_BATCH = 1_000;

export interface RawDatabase {
  readonly engine: Engine;
  /** Runs a statement; returns the affected rows. */
  run(sql: string, params?: unknown[]): Promise<number>;
  all<T>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Multi-row INSERTs of `RAW_INSERT_BATCH` rows; `ignore` skips rows that hit a unique key. */
  insertRows(
    table: string,
    columns: readonly string[],
    rows: unknown[][],
    options?: { ignore?: boolean },
  ): Promise<void>;
  begin(): Promise<void>;
  commit(): Promise<void>;
  /** Empties a table quickly (TRUNCATE on MariaDB, SQLite's truncate optimisation). */
  truncate(table: string): Promise<void>;
  close(): Promise<void>;
}

/** 'YYYY-MM-DD HH:MM:SS.SSS' in UTC: how TypeORM stores datetimes on SQLite, and MariaDB reads. */
export function sqlStamp(date: Date | number): string {
  return new Date(date).toISOString().replace('T', ' ').replace('Z', '');
}

class SqliteRaw implements RawDatabase {
  readonly engine = 'sqlite' as const;
  private readonly statements = new Map<string, SqliteStatement>();

  constructor(
    private readonly db: SqliteDatabase,
    private readonly checkpointer: SqliteCheckpointer,
  ) {}

  private statement(sql: string): SqliteStatement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  async run(sql: string, params: unknown[] = []): Promise<number> {
    return this.statement(sql).run(...params).changes;
  }

  async all<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.statement(sql).all(...params) as T[];
  }

  async insertRows(
    table: string,
    columns: readonly string[],
    rows: unknown[][],
    options: { ignore?: boolean } = {},
  ): Promise<void> {
    const one = `(${columns.map(() => '?').join(', ')})`;
    for (let i = 0; i < rows.length; i += RAW_INSERT_BATCH) {
      const batch = rows.slice(i, i + RAW_INSERT_BATCH);
      const sql = `INSERT ${options.ignore ? 'OR IGNORE ' : ''}INTO ${table} (${columns.join(', ')}) VALUES ${new Array(batch.length).fill(one).join(', ')}`;
      this.statement(sql).run(...batch.flat());
    }
  }

  async begin(): Promise<void> {
    this.db.exec('BEGIN');
  }

  async commit(): Promise<void> {
    this.db.exec('COMMIT');
  }

  async truncate(table: string): Promise<void> {
    this.db.exec(`DELETE FROM ${table}`);
  }

  async close(): Promise<void> {
    await this.checkpointer.stop();
    this.db.close();
  }
}

class MariaDbRaw implements RawDatabase {
  readonly engine = 'mariadb' as const;

  constructor(private readonly conn: Connection) {}

  async run(sql: string, params: unknown[] = []): Promise<number> {
    const [result] = await this.conn.query(sql, params);
    return (result as { affectedRows?: number }).affectedRows ?? 0;
  }

  async all<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const [rows] = await this.conn.query(sql, params);
    return rows as T[];
  }

  async insertRows(
    table: string,
    columns: readonly string[],
    rows: unknown[][],
    options: { ignore?: boolean } = {},
  ): Promise<void> {
    for (let i = 0; i < rows.length; i += RAW_INSERT_BATCH) {
      // mysql2 expands `VALUES ?` with an array of rows into one multi-row INSERT.
      await this.conn.query(
        `INSERT ${options.ignore ? 'IGNORE ' : ''}INTO ${table} (${columns.join(', ')}) VALUES ?`,
        [rows.slice(i, i + RAW_INSERT_BATCH)],
      );
    }
  }

  async begin(): Promise<void> {
    await this.conn.query('BEGIN');
  }

  async commit(): Promise<void> {
    await this.conn.query('COMMIT');
  }

  async truncate(table: string): Promise<void> {
    await this.conn.query(`TRUNCATE TABLE ${table}`);
  }

  async close(): Promise<void> {
    await this.conn.end();
  }
}

const load = createRequire(__filename);

/** Opens `sqlite:<path>` or `mysql://` / `mariadb://` URLs (the app's DATABASE_URL forms). */
export async function openRaw(databaseUrl: string): Promise<RawDatabase> {
  if (databaseUrl.startsWith('sqlite:')) {
    const Database = load('better-sqlite3') as SqliteConstructor;
    const file = sqliteFile(databaseUrl);
    if (!file) {
      throw new Error(`the bench needs a SQLite database file, not ${databaseUrl}`);
    }
    const db = new Database(file);
    // The app's own settings and checkpoint thread, so the baselines write the same way.
    configureSqlite(db);
    const checkpointer = SqliteCheckpointer.start(file, CHECKPOINT_INTERVAL_MS, new Logger('warn'));
    return new SqliteRaw(db, checkpointer);
  }
  const url = new URL(databaseUrl.replace(/^mariadb:/, 'mysql:'));
  const conn = await createConnection({
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: decodeURIComponent(url.pathname.replace(/^\//, '')),
    charset: 'utf8mb4_unicode_ci',
    timezone: 'Z',
  });
  return new MariaDbRaw(conn);
}
