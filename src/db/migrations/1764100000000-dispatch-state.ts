import type { MigrationInterface, QueryRunner, TableColumnOptions } from 'typeorm';
import { Table, TableColumn, TableIndex } from 'typeorm';

// What the scheduler needs: when a message is next due (retries move it, send_date stays what
// the user chose), who holds it while it is being sent (claim token + lease), an idempotency key
// for gateways that honour one, test sends without a record, one message per number per
// campaign, and a shared rate-limit clock for all workers.

const datetime = (name: string, nullable = true): TableColumnOptions => ({
  name,
  type: 'datetime',
  precision: 6,
  isNullable: nullable,
});

export class DispatchState1764100000000 implements MigrationInterface {
  name = 'DispatchState1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('sms_messages', [
      new TableColumn(datetime('due_at')),
      new TableColumn(datetime('lease_until')),
      new TableColumn({ name: 'claim_token', type: 'varchar', length: '36', isNullable: true }),
      new TableColumn({ name: 'idempotency_key', type: 'varchar', length: '20', isNullable: true }),
      new TableColumn({ name: 'is_test', type: 'boolean', default: 0 }),
    ]);
    await queryRunner.query('UPDATE sms_messages SET due_at = send_date');
    const table = await queryRunner.getTable('sms_messages');
    const column = (name: string) => {
      const found = table?.findColumnByName(name);
      if (!found) {
        throw new Error(`sms_messages.${name} is missing`);
      }
      return found;
    };
    await queryRunner.changeColumns('sms_messages', [
      { oldColumn: column('due_at'), newColumn: new TableColumn(datetime('due_at', false)) },
      {
        oldColumn: column('parent_type'),
        newColumn: new TableColumn({
          name: 'parent_type',
          type: 'varchar',
          length: '20',
          isNullable: true,
        }),
      },
      {
        oldColumn: column('parent_id'),
        newColumn: new TableColumn({
          name: 'parent_id',
          type: 'varchar',
          length: '36',
          isNullable: true,
        }),
      },
    ]);
    await queryRunner.dropIndex('sms_messages', 'idx_sms_messages_due');
    await queryRunner.createIndices('sms_messages', [
      new TableIndex({ name: 'idx_sms_messages_due', columnNames: ['status', 'due_at'] }),
      new TableIndex({ name: 'idx_sms_messages_claim', columnNames: ['claim_token'] }),
      new TableIndex({
        name: 'uq_sms_messages_campaign_number',
        columnNames: ['campaign_id', 'to_number'],
        isUnique: true,
      }),
    ]);

    await queryRunner.addColumns('sms_campaigns', [
      new TableColumn(datetime('lease_until')),
      new TableColumn({ name: 'claim_token', type: 'varchar', length: '36', isNullable: true }),
    ]);

    await queryRunner.createTable(
      new Table({
        name: 'sms_rate_limits',
        columns: [
          { name: 'gateway', type: 'varchar', length: '50', isPrimary: true },
          // Milliseconds since the epoch at which the next send may start (GCRA's "theoretical
          // arrival time"); a double holds it exactly and reads back as a number on both engines.
          { name: 'next_slot_ms', type: 'double', default: 0 },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('sms_rate_limits');
    await queryRunner.dropColumns('sms_campaigns', ['lease_until', 'claim_token']);
    await queryRunner.dropIndex('sms_messages', 'uq_sms_messages_campaign_number');
    await queryRunner.dropIndex('sms_messages', 'idx_sms_messages_claim');
    await queryRunner.dropIndex('sms_messages', 'idx_sms_messages_due');
    await queryRunner.query('DELETE FROM sms_messages WHERE parent_type IS NULL');
    await queryRunner.dropColumns('sms_messages', [
      'due_at',
      'lease_until',
      'claim_token',
      'idempotency_key',
      'is_test',
    ]);
    const table = await queryRunner.getTable('sms_messages');
    for (const name of ['parent_type', 'parent_id']) {
      const old = table?.findColumnByName(name);
      if (old) {
        const changed = old.clone();
        changed.isNullable = false;
        await queryRunner.changeColumn('sms_messages', old, changed);
      }
    }
    await queryRunner.createIndex(
      'sms_messages',
      new TableIndex({ name: 'idx_sms_messages_due', columnNames: ['status', 'send_date'] }),
    );
  }
}
