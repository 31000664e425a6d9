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
    // head of the log again instead of appending to it.
    for (let round = 0; round < 3; round++) {
      fileSize = statSync(file).size;
      await writePages(dataSource, 500, `b${round}`);
      expect(await until(() => statSync(file).size > fileSize + 2_000_000, 10_000)).toBe(true);
      // A checkpoint can stop short of the last frames; the next one (250 ms later) ends it.
      await new Promise((resolve) => setTimeout(resolve, 600));
    }
    expect(statSync(`${file}-wal`).size).toBeLessThanOrEqual(logSize);
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
