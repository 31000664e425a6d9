import 'reflect-metadata';
import { createDataSource } from '../../src/db/data-source';
import { ALL_MIGRATIONS } from '../../src/db/migrations';
import { createTestDatabase, describeEachEngine } from '../support/test-app';
import type { TestDatabase } from '../support/test-app';

describeEachEngine('migrations', (engine) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
  });
  afterAll(async () => {
    await database.drop();
  });

  it('build the schema the entities describe, with no drift', async () => {
    const dataSource = createDataSource(database.url);
    await dataSource.initialize();
    try {
      const applied = await dataSource.runMigrations();
      expect(applied.map((m) => m.name)).toEqual(ALL_MIGRATIONS.map((m) => new m().name));
      // A forgotten migration shows up as SQL TypeORM would run to match the entities.
      const pending = await dataSource.driver.createSchemaBuilder().log();
      expect(pending.upQueries.map((q) => q.query)).toEqual([]);
      expect(await dataSource.runMigrations()).toEqual([]);
    } finally {
      await dataSource.destroy();
    }
  });

  it('revert cleanly, one by one, and apply again', async () => {
    const dataSource = createDataSource(database.url);
    await dataSource.initialize();
    try {
      for (let i = 0; i < ALL_MIGRATIONS.length; i++) {
        await dataSource.undoLastMigration();
      }
      const tables = await dataSource.createQueryRunner().getTables(['contacts', 'sms_messages']);
      expect(tables).toHaveLength(0);
      expect(await dataSource.runMigrations()).toHaveLength(ALL_MIGRATIONS.length);
      const pending = await dataSource.driver.createSchemaBuilder().log();
      expect(pending.upQueries.map((q) => q.query)).toEqual([]);
    } finally {
      await dataSource.destroy();
    }
  });
});
