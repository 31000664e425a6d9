import { Column, DeleteDateColumn, Entity, Index } from 'typeorm';
import { CreatedAtColumn, DATETIME, IdColumn, UpdatedAtColumn } from './columns';
import type { RecordModule } from './record-module';

@Entity({ name: 'sms_templates' })
@Index('idx_sms_templates_module', ['module'])
export class SmsTemplate {
  @IdColumn()
  id!: string;

  @Column({ type: 'varchar', length: 150 })
  name!: string;

  @Column({ type: 'varchar', length: 20 })
  module!: RecordModule;

  /** Liquid source, validated against the module's variables when saved. */
  @Column({ type: 'text' })
  body!: string;

  @Column({ type: 'varchar', length: 36, nullable: true })
  created_by_user_id!: string | null;

  @CreatedAtColumn()
  created_at!: Date;

  @UpdatedAtColumn()
  updated_at!: Date;

  /** Soft delete: messages and campaigns made from the template keep their reference. */
  @DeleteDateColumn({ ...DATETIME, name: 'deleted_at', nullable: true })
  deleted_at!: Date | null;
}
