import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';

/**
 * TypeORM gives better-sqlite3 one connection for the whole process. While one request's
 * transaction is open (awaiting between statements), another request's statements would run
 * inside it — and vanish if it rolls back — or open a SAVEPOINT nested in it. The gate below
 * makes a SQLite transaction exclusive: statements from outside it wait until it ends.
 * MySQL/MariaDB use a connection pool, one connection per transaction, and need none of this.
 */
class SqliteGate {
  private readonly insideTransaction = new AsyncLocalStorage<true>();
  private tail: Promise<void> = Promise.resolve();
  private busy: Promise<void> | null = null;
  /** Statements from outside any transaction that are running right now. */
  private inFlight = 0;
  private drained: (() => void) | null = null;

  install(runner: QueryRunner): void {
    const query = runner.query.bind(runner) as (...args: unknown[]) => Promise<unknown>;
    // Every statement of the process goes through this single runner.
    (runner as { query: (...args: unknown[]) => Promise<unknown> }).query = async (
      ...args: unknown[]
    ) => {
      if (this.insideTransaction.getStore()) {
        return query(...args);
      }
      while (this.busy) {
        await this.busy;
      }
      this.inFlight += 1;
      try {
        return await query(...args);
      } finally {
        this.inFlight -= 1;
        if (this.inFlight === 0 && this.drained) {
          this.drained();
        }
      }
    };
  }

  async exclusive<T>(work: () => Promise<T>): Promise<T> {
    if (this.insideTransaction.getStore()) {
      return work(); // already inside: TypeORM nests with a savepoint
    }
    let release!: () => void;
    const turn = new Promise<void>((resolve) => (release = resolve));
    const previous = this.tail;
    this.tail = previous.then(() => turn);
    await previous;
    this.busy = turn;
    try {
      // Let statements that started before the transaction finish outside it.
      while (this.inFlight > 0) {
        await new Promise<void>((resolve) => (this.drained = resolve));
      }
      this.drained = null;
      return await this.insideTransaction.run(true, work);
    } finally {
      this.busy = null;
      release();
    }
  }
}

const gates = new WeakMap<DataSource, SqliteGate>();

/** Call once after initialize(). */
export function installTransactionGate(dataSource: DataSource): void {
  if (dataSource.options.type !== 'better-sqlite3' || gates.has(dataSource)) {
    return;
  }
  const gate = new SqliteGate();
  gate.install(dataSource.createQueryRunner());
  gates.set(dataSource, gate);
}

/** Runs `work` in one transaction; on SQLite, nothing else touches the database meanwhile. */
export function inTransaction<T>(
  dataSource: DataSource,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  const gate = gates.get(dataSource);
  if (!gate) {
    return dataSource.transaction(work);
  }
  return gate.exclusive(() => dataSource.transaction(work));
}
