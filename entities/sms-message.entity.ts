import { Column, Entity, Index } from 'typeorm';
import { CreatedAtColumn, DATETIME, IdColumn, UpdatedAtColumn } from './columns';
import type { RecordModule } from './record-module';

export enum SmsStatus {
  Draft = 'draft',
  /** "Send SMS": ready; the scheduler sends it once send_date is due. */
  SendSms = 'send_sms',
  Sending = 'sending',
  Sent = 'sent',
  Delivered = 'delivered',
  Undelivered = 'undelivered',
  Failed = 'failed',
  Expired = 'expired',
  Cancelled = 'cancelled',
}

export const SMS_STATUSES: readonly SmsStatus[] = Object.values(SmsStatus);

/** Statuses in which a message has not left the module yet, so it may still be edited. */
export const EDITABLE_SMS_STATUSES: readonly SmsStatus[] = [SmsStatus.Draft, SmsStatus.SendSms];

/**
 * One SMS to one number. The number, the record's name and the rendered body are copied at
 * creation, so the history stays true after the record is edited or deleted.
 */
@Entity({ name: 'sms_messages' })
@Index('idx_sms_messages_due', ['status', 'due_at'])
@Index('idx_sms_messages_claim', ['claim_token'])
@Index('idx_sms_messages_provider_id', ['provider', 'provider_message_id'])
@Index('uq_sms_messages_campaign_number', ['campaign_seq', 'to_number'], { unique: true })
@Index('idx_sms_messages_parent', ['parent_type', 'parent_id', 'created_at'])
@Index('idx_sms_messages_campaign', ['campaign_id', 'status'])
@Index('idx_sms_messages_created_at', ['created_at'])
export class SmsMessage {
  @IdColumn()
  id!: string;

  /** Null only for a "send as test" message typed to a number, without a record. */
  @Column({ type: 'varchar', length: 20, nullable: true })
  parent_type!: RecordModule | null;

  @Column({ type: 'varchar', length: 36, nullable: true })
  parent_id!: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  parent_name!: string | null;

  /** E.164 destination. The column avoids the SQL keyword TO; the API calls it `to`. */
  @Column({ type: 'varchar', length: 20, name: 'to_number' })
  to_number!: string;

  @Column({ type: 'text' })
  body!: string;

  @Column({ ...DATETIME })
  send_date!: Date;

  @Column({ type: 'varchar', length: 20 })
  status!: SmsStatus;

  /** When the scheduler may next try it: send_date at first, later after a retry backoff. */
  @Column({ ...DATETIME })
  due_at!: Date;

  /** While sending: the worker's claim and how long it holds it. */
  @Column({ ...DATETIME, nullable: true })
  lease_until!: Date | null;

  @Column({ type: 'varchar', length: 36, nullable: true })
  claim_token!: string | null;

  /** Stable across attempts; gateways that honour one (BulkSMS) cannot send it twice. */
  @Column({ type: 'varchar', length: 20, nullable: true })
  idempotency_key!: string | null;

  /** Sent with "Send as test": kept in the log, never part of a campaign. */
  @Column({ type: 'boolean', default: false })
  is_test!: boolean;

  @Column({ type: 'varchar', length: 36, nullable: true })
  campaign_id!: string | null;

  /** The campaign's `seq`, for the unique (campaign_seq, to_number) index; null outside one. */
  @Column({ type: 'integer', nullable: true })
  campaign_seq!: number | null;

  @Column({ type: 'varchar', length: 36, nullable: true })
  template_id!: string | null;

  @Column({ type: 'varchar', length: 30, nullable: true })
  provider!: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  provider_message_id!: string | null;

  @Column({ type: 'varchar', length: 50, nullable: true })
  error_code!: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  error_message!: string | null;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ ...DATETIME, nullable: true })
  sent_at!: Date | null;

  /** When the provider reported it delivered (or undelivered/failed) to the handset. */
  @Column({ ...DATETIME, nullable: true })
  delivered_at!: Date | null;

  @Column({ type: 'integer' })
  segments!: number;

  @Column({ type: 'varchar', length: 8 })
  encoding!: string;

  @Column({ type: 'varchar', length: 36, nullable: true })
  created_by_user_id!: string | null;

  @CreatedAtColumn()
  created_at!: Date;

  @UpdatedAtColumn()
  updated_at!: Date;
}
