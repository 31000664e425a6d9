import 'reflect-metadata';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { loadConfig } from '../../src/config/config';
import { execute } from '../../src/db/sql';
import { SqliteCheckpointer } from '../../src/db/sqlite-checkpointer';
import { Logger } from '../../src/logger';
import { openDatabase } from '../../src/server';

/** Writes about `pages` pages to the log, in one transaction. */
async function writePages(dataSource: DataSource, pages: number, tag: string): Promise<void> {
  const filler = 'x'.repeat(3_000);
  await dataSource.transaction(async (manager) => {
    for (let i = 0; i < pages; i++) {
      await execute(
        manager,
        "INSERT INTO app_settings (key, value, updated_at) VALUES (?, ?, datetime('now'))",
        [`${tag}-${i}`, filler],
      );
    }
  });
}

async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) {
      return true;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return condition();
}

/** Waits until `read()` has kept the same value for `quietMs`. */
async function untilStable(
  read: () => number,
  quietMs: number,
  timeoutMs: number,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let value = read();
  let since = Date.now();
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    const now = read();
    if (now !== value) {
      value = now;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) {
      return true;
    }
  }
  return false;
}

describe('SQLite checkpoints on a worker thread', () => {
  let dir: string;
  let file: string;
  let dataSource: DataSource;
  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'crm-sms-checkpoint-'));
    file = path.join(dir, 'db.sqlite');
    dataSource = await openDatabase(
      loadConfig({ DATABASE_URL: `sqlite:${file}` }),
      new Logger('silent'),
    );
  });
  afterEach(async () => {
    if (dataSource.isInitialized) {
      await dataSource.destroy();
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('copies committed pages into the database file without a commit doing it', async () => {
    // 1,000 pages: far below the commit's own backstop (20,000), so only the thread can have
    // moved them into the file.
    const before = statSync(file).size;
    await writePages(dataSource, 1_000, 'a');
    expect(statSync(`${file}-wal`).size).toBeGreaterThan(3_000_000);
    expect(await until(() => statSync(file).size > before + 3_000_000, 5_000)).toBe(true);
  });

  it('lets the log be reused once checkpointed, so it stops growing', async () => {
    await writePages(dataSource, 1_000, 'a');
    let fileSize = statSync(file).size;
    expect(await until(() => statSync(file).size > fileSize + 3_000_000, 10_000)).toBe(true);
    const logSize = statSync(`${file}-wal`).size;
    // Each round waits for the thread to have copied it; the next one then writes from the
    // head of the log again instead of appending to it. Reuse is opportunistic: a write that
    // starts while the thread holds the log's locks appends once more (seen with the other
    // suites loading both cores), so one round of growth is allowed. Without reuse the log
    // would grow by every round (4 × ~2 MB).
    let roundSize = 0;
    for (let round = 0; round < 4; round++) {
      fileSize = statSync(file).size;
      await writePages(dataSource, 500, `b${round}`);
      expect(await until(() => statSync(file).size > fileSize + 2_000_000, 10_000)).toBe(true);
      // A checkpoint can stop short of the last frames; a later one ends it. Only a log copied
      // to its end is reused, so wait until the file has stopped growing for three intervals.
      expect(await untilStable(() => statSync(file).size, 750, 10_000)).toBe(true);
      roundSize = Math.max(roundSize, statSync(file).size - fileSize);
    }
    expect(statSync(`${file}-wal`).size).toBeLessThanOrEqual(logSize + roundSize * 1.1);
  });

  it('stops with the data source, leaving every page in the database file', async () => {
    await writePages(dataSource, 200, 'c');
    await dataSource.destroy();
    // Closing the last connection checkpoints and removes the log.
    expect(() => statSync(`${file}-wal`)).toThrow();
    const reopened = await openDatabase(
      loadConfig({ DATABASE_URL: `sqlite:${file}` }),
      new Logger('silent'),
    );
    const { records } = await execute(
      reopened.manager,
      "SELECT COUNT(*) AS n FROM app_settings WHERE key LIKE 'c-%'",
      [],
    );
    expect(Number(records[0].n)).toBe(200);
    dataSource = reopened;
  });

  it('reports a database it cannot open once, as a warning, without stopping the app', async () => {
    const warnings: string[] = [];
    const logger = new Logger('silent');
    logger.warn = (message: string) => {
      warnings.push(message);
    };
    const checkpointer = SqliteCheckpointer.start(
      path.join(dir, 'missing', 'x.sqlite'),
      50,
      logger,
    );
    await until(() => warnings.length > 0, 5_000);
    await checkpointer.stop();
    expect(warnings).toEqual([expect.stringMatching(/checkpoint/)]);
  });
});
