import { Column, Entity, Index } from 'typeorm';
import { CreatedAtColumn, IdColumn } from './columns';
import type { RecordModule } from './record-module';

/** Where a change of sms_opt_in came from. */
export enum ConsentSource {
  Api = 'api',
  Page = 'page',
  Import = 'import',
  Keyword = 'keyword',
  Provider = 'provider',
}

/**
 * One change of a record's SMS consent: who, when, how, from what to what (GDPR Art. 7(1): the
 * controller must be able to show consent and its withdrawal). Append-only: no API edits or
 * deletes it, and database triggers refuse UPDATE and DELETE.
 */
@Entity({ name: 'sms_consent_log' })
@Index('idx_sms_consent_log_record', ['record_type', 'record_id', 'created_at'])
@Index('idx_sms_consent_log_phone', ['phone'])
export class ConsentLogEntry {
  @IdColumn()
  id!: string;

  @Column({ type: 'varchar', length: 20 })
  record_type!: RecordModule;

  @Column({ type: 'varchar', length: 36 })
  record_id!: string;

  @Column({ type: 'varchar', length: 20, nullable: true })
  phone!: string | null;

  /** Null when the record was created with its consent. */
  @Column({ type: 'boolean', nullable: true })
  old_value!: boolean | null;

  @Column({ type: 'boolean' })
  new_value!: boolean;

  @Column({ type: 'varchar', length: 20 })
  source!: ConsentSource;

  @Column({ type: 'varchar', length: 36, nullable: true })
  user_id!: string | null;

  /** E.g. the keyword and inbound message id, or the provider's error code. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  detail!: string | null;

  @CreatedAtColumn()
  created_at!: Date;
}
