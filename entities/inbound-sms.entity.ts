import { Column, Entity, Index } from 'typeorm';
import { CreatedAtColumn, DATETIME, IdColumn } from './columns';

export enum ReplyKeyword {
  Stop = 'stop',
  Start = 'start',
  Help = 'help',
}

/** A reply received through a provider's inbound webhook. */
@Entity({ name: 'sms_inbound_messages' })
@Index('uq_sms_inbound_provider_id', ['provider', 'provider_message_id'], { unique: true })
@Index('idx_sms_inbound_from', ['from_number', 'received_at'])
export class InboundSms {
  @IdColumn()
  id!: string;

  @Column({ type: 'varchar', length: 30 })
  provider!: string;

  /** The provider's id; unique per provider, so a replayed webhook is stored once. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  provider_message_id!: string | null;

  @Column({ type: 'varchar', length: 20 })
  from_number!: string;

  @Column({ type: 'varchar', length: 20, nullable: true })
  to_number!: string | null;

  @Column({ type: 'text' })
  body!: string;

  @Column({ type: 'varchar', length: 10, nullable: true })
  keyword!: ReplyKeyword | null;

  /** An opt-out read inside a sentence ("please stop texting me"): acted on, and shown for review. */
  @Column({ type: 'boolean', default: false })
  needs_review!: boolean;

  @Column({ ...DATETIME })
  received_at!: Date;

  @CreatedAtColumn()
  created_at!: Date;
}
