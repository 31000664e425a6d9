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

  it('number existing campaigns in creation order and carry the number to their messages', async () => {
    const fresh = await createTestDatabase(engine);
    const dataSource = createDataSource(fresh.url);
    await dataSource.initialize();
    try {
      await dataSource.runMigrations();
      await dataSource.undoLastMigration(); // back to before CampaignSeq1764500000000
      const q = (sql: string, params: unknown[] = []) => dataSource.query(sql, params);
      const campaign = (id: string, created: string) =>
        q(
          `INSERT INTO sms_campaigns (id, name, send_date, module, template_id, status, created_at, updated_at)
           VALUES (?, ?, '2026-01-01 09:00:00', 'contacts', NULL, 'in_progress', ?, ?)`,
          [id, `Campaign ${id}`, created, created],
        );
      await campaign('campaign-later', '2026-01-02 10:00:00.000');
      await campaign('campaign-first', '2026-01-01 10:00:00.000');
      const message = (id: string, campaignId: string | null, to: string) =>
        q(
          `INSERT INTO sms_messages (id, parent_type, parent_id, to_number, body, send_date, due_at,
             status, campaign_id, segments, encoding, idempotency_key, created_at, updated_at)
           VALUES (?, 'contacts', 'record-1', ?, 'Hi', '2026-01-01 09:00:00', '2026-01-01 09:00:00',
             'sent', ?, 1, 'GSM-7', ?, '2026-01-01 09:00:00', '2026-01-01 09:00:00')`,
          [id, to, campaignId, `key-${id}`],
        );
      await message('m1', 'campaign-first', '+33612345678');
      await message('m2', 'campaign-later', '+33612345678');
      await message('m3', null, '+33612345678');

      expect((await dataSource.runMigrations()).map((m) => m.name)).toEqual([
        'CampaignSeq1764500000000',
      ]);
      const campaigns = await q('SELECT id, seq FROM sms_campaigns ORDER BY seq');
      expect(campaigns.map((c: { id: string; seq: number }) => [c.id, Number(c.seq)])).toEqual([
        ['campaign-first', 1],
        ['campaign-later', 2],
      ]);
      const messages = await q('SELECT id, campaign_seq FROM sms_messages ORDER BY id');
      expect(
        messages.map((m: { id: string; campaign_seq: number | null }) => [
          m.id,
          m.campaign_seq === null ? null : Number(m.campaign_seq),
        ]),
      ).toEqual([
        ['m1', 1],
        ['m2', 2],
        ['m3', null],
      ]);
      const [counter] = await q("SELECT value FROM sms_sequences WHERE name = 'sms_campaigns'");
      expect(Number(counter.value)).toBe(2);
      // The rule the index keeps: one message per number within a campaign.
      await expect(message('m4', 'campaign-first', '+33612345678')).resolves.toBeDefined();
      await expect(
        q('UPDATE sms_messages SET campaign_seq = 1 WHERE id = ?', ['m4']),
      ).rejects.toThrow(/UNIQUE|Duplicate/i);
    } finally {
      await dataSource.destroy();
      await fresh.drop();
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
