import type { MigrationInterface, QueryRunner } from 'typeorm';
import { Table, TableIndex } from 'typeorm';

// The web pages: browser sessions, and settings the admin pages change (gateway).

export class WebSessionsAndSettings1764300000000 implements MigrationInterface {
  name = 'WebSessionsAndSettings1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const sqlite = queryRunner.connection.driver.options.type === 'better-sqlite3';
    const now = sqlite ? "datetime('now')" : 'CURRENT_TIMESTAMP(6)';
    await queryRunner.createTable(
      new Table({
        name: 'web_sessions',
        columns: [
          { name: 'id_hash', type: 'varchar', length: '64', isPrimary: true },
          { name: 'user_id', type: 'varchar', length: '36' },
          { name: 'csrf_token', type: 'varchar', length: '64' },
          { name: 'expires_at', type: 'datetime', precision: 6 },
          { name: 'created_at', type: 'datetime', precision: 6, default: now },
        ],
        indices: [new TableIndex({ name: 'idx_web_sessions_user', columnNames: ['user_id'] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'app_settings',
        columns: [
          { name: 'key', type: 'varchar', length: '100', isPrimary: true },
          { name: 'value', type: 'text' },
          { name: 'updated_by_user_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'updated_at', type: 'datetime', precision: 6 },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('app_settings');
    await queryRunner.dropTable('web_sessions');
  }
}
