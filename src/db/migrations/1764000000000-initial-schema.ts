import type { MigrationInterface, QueryRunner, TableColumnOptions } from 'typeorm';
import { Table, TableIndex } from 'typeorm';

// Written with TypeORM's schema API rather than raw SQL so the same migration runs on SQLite and
// MySQL/MariaDB. Column types mirror the entities exactly (a test checks there is no drift).

const id = (): TableColumnOptions => ({
  name: 'id',
  type: 'varchar',
  length: '36',
  isPrimary: true,
});
const ref = (name: string, nullable = true): TableColumnOptions => ({
  name,
  type: 'varchar',
  length: '36',
  isNullable: nullable,
});
const text = (name: string, length: number, nullable = true): TableColumnOptions => ({
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
const flag = (name: string, value: boolean): TableColumnOptions => ({
  name,
  type: 'boolean',
  default: value ? 1 : 0,
});

export class InitialSchema1764000000000 implements MigrationInterface {
  name = 'InitialSchema1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const sqlite = queryRunner.connection.driver.options.type === 'better-sqlite3';
    // The defaults TypeORM gives create/update date columns on each engine. The application sets
    // created_at itself (with milliseconds) wherever ordering matters.
    const now = sqlite ? "datetime('now')" : 'CURRENT_TIMESTAMP(6)';
    const stamps = (): TableColumnOptions[] => [
      { ...datetime('created_at'), default: now },
      { ...datetime('updated_at'), default: now, onUpdate: sqlite ? undefined : now },
    ];

    await queryRunner.createTable(
      new Table({
        name: 'users',
        columns: [
          id(),
          text('email', 254, false),
          text('name', 150, false),
          text('role', 20, false),
          text('api_token_hash', 64),
          text('password_hash', 255),
          flag('active', true),
          ...stamps(),
        ],
        indices: [
          new TableIndex({ name: 'uq_users_email', columnNames: ['email'], isUnique: true }),
          new TableIndex({
            name: 'uq_users_api_token_hash',
            columnNames: ['api_token_hash'],
            isUnique: true,
          }),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'accounts',
        columns: [
          id(),
          text('name', 150, false),
          text('phone_office', 20),
          flag('sms_opt_in', false),
          text('account_type', 50),
          text('industry', 50),
          text('billing_address_city', 100),
          text('billing_address_country', 100),
          ref('assigned_user_id'),
          ...stamps(),
          datetime('deleted_at', true),
        ],
        indices: [
          new TableIndex({ name: 'idx_accounts_phone_office', columnNames: ['phone_office'] }),
          new TableIndex({ name: 'idx_accounts_name', columnNames: ['name'] }),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'contacts',
        columns: [
          id(),
          text('first_name', 100),
          text('last_name', 100, false),
          text('title', 100),
          text('email', 254),
          text('phone_mobile', 20),
          flag('sms_opt_in', false),
          ref('account_id'),
          text('primary_address_city', 100),
          text('primary_address_country', 100),
          text('lead_source', 100),
          ref('assigned_user_id'),
          ...stamps(),
          datetime('deleted_at', true),
        ],
        indices: [
          new TableIndex({ name: 'idx_contacts_phone_mobile', columnNames: ['phone_mobile'] }),
          new TableIndex({ name: 'idx_contacts_account_id', columnNames: ['account_id'] }),
          new TableIndex({ name: 'idx_contacts_last_name', columnNames: ['last_name'] }),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'sms_templates',
        columns: [
          id(),
          text('name', 150, false),
          text('module', 20, false),
          { name: 'body', type: 'text' },
          ref('created_by_user_id'),
          ...stamps(),
          datetime('deleted_at', true),
        ],
        indices: [new TableIndex({ name: 'idx_sms_templates_module', columnNames: ['module'] })],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'sms_campaigns',
        columns: [
          id(),
          text('name', 150, false),
          datetime('send_date'),
          text('module', 20, false),
          ref('template_id'),
          text('status', 20, false),
          ref('created_by_user_id'),
          ...stamps(),
          datetime('deleted_at', true),
        ],
        indices: [new TableIndex({ name: 'idx_sms_campaigns_status', columnNames: ['status'] })],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'sms_campaign_recipients',
        columns: [
          { ...ref('campaign_id', false), isPrimary: true },
          { ...ref('record_id', false), isPrimary: true },
          { ...text('status', 20, false), default: "'pending'" },
          text('skip_reason', 30),
          ...stamps(),
        ],
        indices: [
          new TableIndex({
            name: 'idx_sms_campaign_recipients_status',
            columnNames: ['campaign_id', 'status'],
          }),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'sms_messages',
        columns: [
          id(),
          text('parent_type', 20, false),
          ref('parent_id', false),
          text('parent_name', 255),
          text('to_number', 20, false),
          { name: 'body', type: 'text' },
          datetime('send_date'),
          text('status', 20, false),
          ref('campaign_id'),
          ref('template_id'),
          text('provider', 30),
          text('provider_message_id', 100),
          text('error_code', 50),
          text('error_message', 500),
          { name: 'attempts', type: 'integer', default: 0 },
          datetime('sent_at', true),
          { name: 'segments', type: 'integer' },
          text('encoding', 8, false),
          ref('created_by_user_id'),
          ...stamps(),
        ],
        indices: [
          new TableIndex({ name: 'idx_sms_messages_due', columnNames: ['status', 'send_date'] }),
          new TableIndex({
            name: 'idx_sms_messages_parent',
            columnNames: ['parent_type', 'parent_id', 'created_at'],
          }),
          new TableIndex({
            name: 'idx_sms_messages_campaign',
            columnNames: ['campaign_id', 'status'],
          }),
          new TableIndex({ name: 'idx_sms_messages_created_at', columnNames: ['created_at'] }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'sms_messages',
      'sms_campaign_recipients',
      'sms_campaigns',
      'sms_templates',
      'contacts',
      'accounts',
      'users',
    ]) {
      await queryRunner.dropTable(table);
    }
  }
}
