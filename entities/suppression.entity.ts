import { Column, Entity, PrimaryColumn } from 'typeorm';
import { CreatedAtColumn } from './columns';

export enum SuppressionReason {
  /** The number replied STOP (or another opt-out word). */
  Keyword = 'keyword',
  /** The provider refused the number as opted out (Twilio 21610, Clickatell 26, BulkSMS BLOCKED). */
  ProviderOptOut = 'provider_opt_out',
}

/** Numbers that must not be texted, whatever record they belong to. Every send path checks it. */
@Entity({ name: 'sms_suppressions' })
export class Suppression {
  @PrimaryColumn({ type: 'varchar', length: 20 })
  phone!: string;

  @Column({ type: 'varchar', length: 30 })
  reason!: SuppressionReason;

  @Column({ type: 'varchar', length: 255, nullable: true })
  detail!: string | null;

  @CreatedAtColumn()
  created_at!: Date;
}
