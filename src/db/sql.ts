import type { DataSource, EntityManager } from 'typeorm';
import { isMysqlFamily } from './data-source';

/**
 * A Date as a raw-query parameter. TypeORM converts dates for its own query builder, but raw
 * queries go to the driver as is: better-sqlite3 cannot bind a Date, and TypeORM stores SQLite
 * datetimes as 'YYYY-MM-DD HH:MM:SS.SSS' in UTC (mysql2 converts Dates itself, in UTC).
 */
export function sqlDate(dataSource: DataSource, date: Date): Date | string {
  return isMysqlFamily(dataSource) ? date : date.toISOString().replace('T', ' ').replace('Z', '');
}

/** `?, ?, ?` for an IN list of `count` values. */
export function placeholders(count: number): string {
  return new Array(count).fill('?').join(', ');
}

/** Rows read or changed by a raw statement, the same way on every driver. */
export interface RawResult {
  affected: number;
  /** MySQL/MariaDB's warning count for the statement (always 0 on SQLite). */
  warnings: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- raw rows are whatever the SQL selects
  records: any[];
}

/** Runs raw SQL inside `manager`'s transaction when it has one, else on its own connection. */
export async function execute(
  manager: EntityManager,
  sql: string,
  parameters: unknown[] = [],
): Promise<RawResult> {
  const runner = manager.queryRunner ?? manager.connection.createQueryRunner();
  try {
    const result = (await runner.query(sql, parameters, true)) as {
      affected?: number;
      records?: unknown[];
      raw?: { warningStatus?: number };
    };
    return {
      affected: result.affected ?? 0,
      warnings: result.raw?.warningStatus ?? 0,
      records: result.records ?? [],
    };
  } finally {
    if (!manager.queryRunner) {
      await runner.release();
    }
  }
}

/**
 * InnoDB picks a victim when two transactions wait on each other (a claim crossing an outcome
 * update on the same index range, say). The victim's statement changed nothing, so running it
 * again is safe; only deadlocks and lock-wait timeouts are retried.
 */
export async function retryOnDeadlock<T>(work: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const code = (error as { driverError?: { code?: string } } | null)?.driverError?.code;
      const retriable = code === 'ER_LOCK_DEADLOCK' || code === 'ER_LOCK_WAIT_TIMEOUT';
      if (!retriable || attempt >= attempts) {
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, attempt * 10 * Math.random()));
    }
  }
}
