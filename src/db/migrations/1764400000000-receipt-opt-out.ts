import type { MigrationInterface, QueryRunner } from 'typeorm';
import { TableColumn } from 'typeorm';

// A receipt saying "opted out" that arrives before its message is recorded as sent must still
// suppress the number once it is matched: keep that fact on the stored receipt.
export class ReceiptOptOut1764400000000 implements MigrationInterface {
  name = 'ReceiptOptOut1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'sms_delivery_receipts',
      new TableColumn({ name: 'opt_out', type: 'boolean', default: 0 }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('sms_delivery_receipts', 'opt_out');
  }
}
