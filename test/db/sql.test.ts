import 'reflect-metadata';
import type { DataSource } from 'typeorm';
import { execute } from '../../src/db/sql';
import { isMysqlFamily } from '../../src/db/data-source';
import { describeEachEngine, useMigratedDatabase } from '../support/test-app';

/** The raw-statement helper's counts, which the campaign generator's insert relies on. */
describeEachEngine('raw statements', (engine) => {
  const migrated = useMigratedDatabase(engine);
  let dataSource: DataSource;
  beforeAll(() => {
    dataSource = migrated();
  });

  const insertIgnore = (key: string, value: string) =>
    execute(
      dataSource.manager,
      isMysqlFamily(dataSource)
        ? 'INSERT IGNORE INTO app_settings (`key`, value, updated_at) VALUES (?, ?, NOW())'
        : "INSERT INTO app_settings (key, value, updated_at) VALUES (?, ?, datetime('now')) ON CONFLICT DO NOTHING",
      [key, value],
    );

  it('counts only the rows inserted, a skipped duplicate being one warning on MariaDB', async () => {
    expect(await insertIgnore('sql-test-dup', 'first')).toMatchObject({ affected: 1, warnings: 0 });
    expect(await insertIgnore('sql-test-dup', 'second')).toMatchObject({
      affected: 0,
      warnings: engine === 'mariadb' ? 1 : 0,
    });
  });

  if (engine === 'mariadb') {
    it('reports the warning of a value IGNORE truncated, so a caller can refuse it', async () => {
      const { affected, warnings } = await insertIgnore('x'.repeat(200), 'too long a key');
      expect(affected).toBe(1);
      expect(warnings).toBe(1);
    });
  }
});
