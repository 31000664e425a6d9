import type { MigrationInterface, QueryRunner, TableColumnOptions } from 'typeorm';
import { Table, TableColumn, TableIndex } from 'typeorm';

// Consent and delivery truth: an append-only consent log, a suppression list every send path
// checks, inbound replies, and the delivery receipts providers post back.

const varchar = (name: string, length: number, nullable = true): TableColumnOptions => ({
  name,
  type: 'varchar',
  length: String(length),
  isNullable: nullable,
});
const datetime = (name: string, nullable = false): TableColumnOptions => ({
  name,
  type: 'datetime',
  precision: 6,
  isNullable: nullable,
});

export class ConsentAndDelivery1764200000000 implements MigrationInterface {
  name = 'ConsentAndDelivery1764200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const sqlite = queryRunner.connection.driver.options.type === 'better-sqlite3';
    const now = sqlite ? "datetime('now')" : 'CURRENT_TIMESTAMP(6)';
    const id: TableColumnOptions = { ...varchar('id', 36, false), isPrimary: true };
    const createdAt: TableColumnOptions = { ...datetime('created_at'), default: now };

    await queryRunner.createTable(
      new Table({
        name: 'sms_consent_log',
        columns: [
          id,
          varchar('record_type', 20, false),
          varchar('record_id', 36, false),
          varchar('phone', 20),
          { name: 'old_value', type: 'boolean', isNullable: true },
          { name: 'new_value', type: 'boolean' },
          varchar('source', 20, false),
          varchar('user_id', 36),
          varchar('detail', 255),
          createdAt,
        ],
        indices: [
          new TableIndex({
            name: 'idx_sms_consent_log_record',
            columnNames: ['record_type', 'record_id', 'created_at'],
          }),
          new TableIndex({ name: 'idx_sms_consent_log_phone', columnNames: ['phone'] }),
        ],
      }),
    );
    // Append-only, enforced by the database itself, not only by the absence of an API.
    if (sqlite) {
      for (const event of ['UPDATE', 'DELETE']) {
        await queryRunner.query(
          `CREATE TRIGGER sms_consent_log_no_${event.toLowerCase()} BEFORE ${event} ON sms_consent_log
           BEGIN SELECT RAISE(ABORT, 'sms_consent_log is append-only'); END`,
        );
      }
    } else {
      for (const event of ['UPDATE', 'DELETE']) {
        await queryRunner.query(
          `CREATE TRIGGER sms_consent_log_no_${event.toLowerCase()} BEFORE ${event} ON sms_consent_log
           FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sms_consent_log is append-only'`,
        );
      }
    }

    await queryRunner.createTable(
      new Table({
        name: 'sms_suppressions',
        columns: [
          { ...varchar('phone', 20, false), isPrimary: true },
          varchar('reason', 30, false),
          varchar('detail', 255),
          createdAt,
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'sms_inbound_messages',
        columns: [
          id,
          varchar('provider', 30, false),
          varchar('provider_message_id', 100),
          varchar('from_number', 20, false),
          varchar('to_number', 20),
          { name: 'body', type: 'text' },
          varchar('keyword', 10),
          { name: 'needs_review', type: 'boolean', default: 0 },
          datetime('received_at'),
          createdAt,
        ],
        indices: [
          new TableIndex({
            name: 'uq_sms_inbound_provider_id',
            columnNames: ['provider', 'provider_message_id'],
            isUnique: true,
          }),
          new TableIndex({
            name: 'idx_sms_inbound_from',
            columnNames: ['from_number', 'received_at'],
          }),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'sms_delivery_receipts',
        columns: [
          id,
          varchar('provider', 30, false),
          varchar('provider_message_id', 100, false),
          varchar('message_id', 36),
          varchar('status', 20, false),
          varchar('provider_status', 50, false),
          varchar('error_code', 50),
          varchar('reason', 500),
          { name: 'part_index', type: 'integer', isNullable: true },
          { name: 'part_count', type: 'integer', isNullable: true },
          datetime('occurred_at', true),
          createdAt,
        ],
        indices: [
          new TableIndex({
            name: 'idx_sms_delivery_receipts_provider_id',
            columnNames: ['provider', 'provider_message_id'],
          }),
          new TableIndex({
            name: 'idx_sms_delivery_receipts_message',
            columnNames: ['message_id'],
          }),
        ],
      }),
    );

    await queryRunner.addColumn('sms_messages', new TableColumn(datetime('delivered_at', true)));
    await queryRunner.createIndex(
      'sms_messages',
      new TableIndex({
        name: 'idx_sms_messages_provider_id',
        columnNames: ['provider', 'provider_message_id'],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('sms_messages', 'idx_sms_messages_provider_id');
    await queryRunner.dropColumn('sms_messages', 'delivered_at');
    await queryRunner.dropTable('sms_delivery_receipts');
    await queryRunner.dropTable('sms_inbound_messages');
    await queryRunner.dropTable('sms_suppressions');
    await queryRunner.query('DROP TRIGGER IF EXISTS sms_consent_log_no_update');
    await queryRunner.query('DROP TRIGGER IF EXISTS sms_consent_log_no_delete');
    await queryRunner.dropTable('sms_consent_log');
  }
}
