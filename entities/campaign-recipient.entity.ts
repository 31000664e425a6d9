import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { CreatedAtColumn, UpdatedAtColumn } from './columns';

export enum RecipientStatus {
  Pending = 'pending',
  Generated = 'generated',
  Skipped = 'skipped',
}

export enum SkipReason {
  NoPhone = 'no_phone',
  InvalidPhone = 'invalid_phone',
  NotOptedIn = 'not_opted_in',
  DuplicateNumber = 'duplicate_number',
  RecordDeleted = 'record_deleted',
  /** The rendered text is longer than SMS_MAX_SEGMENTS. */
  TooLong = 'too_long',
  /** The template failed for this record (e.g. a render limit). */
  RenderFailed = 'render_failed',
  /** The number is on the suppression list (it replied STOP, or the provider says opted out). */
  Suppressed = 'suppressed',
}

/**
 * A record chosen for a campaign. The composite key makes adding the same record twice a no-op,
 * so recipients can be added with one INSERT ... SELECT whatever the size of the selection.
 */
@Entity({ name: 'sms_campaign_recipients' })
@Index('idx_sms_campaign_recipients_status', ['campaign_id', 'status'])
export class CampaignRecipient {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  campaign_id!: string;

  @PrimaryColumn({ type: 'varchar', length: 36 })
  record_id!: string;

  @Column({ type: 'varchar', length: 20, default: RecipientStatus.Pending })
  status!: RecipientStatus;

  @Column({ type: 'varchar', length: 30, nullable: true })
  skip_reason!: SkipReason | null;

  @CreatedAtColumn()
  created_at!: Date;

  @UpdatedAtColumn()
  updated_at!: Date;
}
