import { Column, DeleteDateColumn, Entity, Index } from 'typeorm';
import { CreatedAtColumn, DATETIME, IdColumn, UpdatedAtColumn } from './columns';
import type { RecordModule } from './record-module';

export enum CampaignStatus {
  Draft = 'draft',
  /** "Generate all SMS Messages": waiting for the scheduler to expand it. */
  GenerateAll = 'generate_all',
  Generating = 'generating',
  InProgress = 'in_progress',
  Completed = 'completed',
  Cancelled = 'cancelled',
}

export const CAMPAIGN_STATUSES: readonly CampaignStatus[] = Object.values(CampaignStatus);

@Entity({ name: 'sms_campaigns' })
@Index('idx_sms_campaigns_status', ['status'])
@Index('uq_sms_campaigns_seq', ['seq'], { unique: true })
export class SmsCampaign {
  @IdColumn()
  id!: string;

  /**
   * A small integer key from the `sms_campaigns` counter (src/db/sequences.ts): a campaign's
   * messages carry it as `campaign_seq`, and the unique (campaign_seq, number) index is what
   * keeps one message per number — an integer there instead of the 36-character id makes that
   * index 2.5 times smaller (migration 1764500000000 says why that matters).
   */
  @Column({ type: 'integer' })
  seq!: number;

  @Column({ type: 'varchar', length: 150 })
  name!: string;

  @Column({ ...DATETIME })
  send_date!: Date;

  @Column({ type: 'varchar', length: 20 })
  module!: RecordModule;

  @Column({ type: 'varchar', length: 36, nullable: true })
  template_id!: string | null;

  @Column({ type: 'varchar', length: 20 })
  status!: CampaignStatus;

  @Column({ type: 'varchar', length: 36, nullable: true })
  created_by_user_id!: string | null;

  /** While a worker expands it: that worker's claim and how long it holds it. */
  @Column({ ...DATETIME, nullable: true })
  lease_until!: Date | null;

  @Column({ type: 'varchar', length: 36, nullable: true })
  claim_token!: string | null;

  @CreatedAtColumn()
  created_at!: Date;

  @UpdatedAtColumn()
  updated_at!: Date;

  @DeleteDateColumn({ ...DATETIME, name: 'deleted_at', nullable: true })
  deleted_at!: Date | null;
}
