/**
 * Diagnostic for profiling (BENCH_SQL_TIMING=1): wall time spent in each SQL statement shape,
 * measured around TypeORM's query runners. A CPU profile shows better-sqlite3's native work as
 * self time of one JS function; this says which statements it was.
 */
import { BetterSqlite3QueryRunner } from 'typeorm/driver/better-sqlite3/BetterSqlite3QueryRunner';
import { MysqlQueryRunner } from 'typeorm/driver/mysql/MysqlQueryRunner';

type Query = (sql: string, ...rest: unknown[]) => Promise<unknown>;

/** Patches the runners; returns a function that formats the totals, slowest first. */
export function installSqlTiming(): () => string {
  const totals = new Map<string, { count: number; ms: number }>();
  for (const proto of [BetterSqlite3QueryRunner.prototype, MysqlQueryRunner.prototype]) {
    const target = proto as unknown as { query: Query };
    const original = target.query;
    target.query = async function (this: unknown, sql: string, ...rest: unknown[]) {
      const started = performance.now();
      try {
        return await original.call(this, sql, ...rest);
      } finally {
        // Statement shape: whitespace folded and long IN/VALUES lists cut.
        const key = sql.replace(/\s+/g, ' ').slice(0, 90);
        const entry = totals.get(key) ?? { count: 0, ms: 0 };
        entry.count += 1;
        entry.ms += performance.now() - started;
        totals.set(key, entry);
      }
    };
  }
  return () =>
    [...totals.entries()]
      .sort((a, b) => b[1].ms - a[1].ms)
      .slice(0, 15)
      .map(
        ([sql, t]) => `${t.ms.toFixed(0).padStart(7)} ms ${String(t.count).padStart(7)}×  ${sql}`,
      )
      .join('\n');
}
