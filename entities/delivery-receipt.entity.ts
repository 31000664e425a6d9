import { Column, Entity, Index } from 'typeorm';
import { CreatedAtColumn, DATETIME, IdColumn } from './columns';

/**
 * Every delivery receipt a provider posted, as received — the per-message delivery log. A
 * receipt that arrives before the send was recorded (providers can be that fast) waits here
 * unmatched and is applied when the message is marked sent.
 */
@Entity({ name: 'sms_delivery_receipts' })
@Index('idx_sms_delivery_receipts_provider_id', ['provider', 'provider_message_id'])
@Index('idx_sms_delivery_receipts_message', ['message_id'])
export class DeliveryReceipt {
  @IdColumn()
  id!: string;

  @Column({ type: 'varchar', length: 30 })
  provider!: string;

  @Column({ type: 'varchar', length: 100 })
  provider_message_id!: string;

  @Column({ type: 'varchar', length: 36, nullable: true })
  message_id!: string | null;

  /** Our status vocabulary: accepted, sent, delivered, undelivered, failed. */
  @Column({ type: 'varchar', length: 20 })
  status!: string;

  @Column({ type: 'varchar', length: 50 })
  provider_status!: string;

  @Column({ type: 'varchar', length: 50, nullable: true })
  error_code!: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  reason!: string | null;

  /** The provider said the recipient opted out (applied when the message is matched). */
  @Column({ type: 'boolean', default: false })
  opt_out!: boolean;

  @Column({ type: 'integer', nullable: true })
  part_index!: number | null;

  @Column({ type: 'integer', nullable: true })
  part_count!: number | null;

  @Column({ ...DATETIME, nullable: true })
  occurred_at!: Date | null;

  @CreatedAtColumn()
  created_at!: Date;
}
