import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A shared send clock per gateway, so every worker together respects SMS_RATE_PER_SECOND. */
@Entity({ name: 'sms_rate_limits' })
export class SmsRateLimit {
  @PrimaryColumn({ type: 'varchar', length: 50 })
  gateway!: string;

  @Column({ type: 'double', default: 0 })
  next_slot_ms!: number;
}
