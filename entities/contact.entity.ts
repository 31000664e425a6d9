import { Column, DeleteDateColumn, Entity, Index } from 'typeorm';
import { CreatedAtColumn, DATETIME, IdColumn, UpdatedAtColumn } from './columns';

@Entity({ name: 'contacts' })
@Index('idx_contacts_phone_mobile', ['phone_mobile'])
@Index('idx_contacts_account_id', ['account_id'])
@Index('idx_contacts_last_name', ['last_name'])
export class Contact {
  @IdColumn()
  id!: string;

  @Column({ type: 'varchar', length: 100, nullable: true })
  first_name!: string | null;

  @Column({ type: 'varchar', length: 100 })
  last_name!: string;

  @Column({ type: 'varchar', length: 100, nullable: true })
  title!: string | null;

  @Column({ type: 'varchar', length: 254, nullable: true })
  email!: string | null;

  /** E.164, or null when the contact has no mobile number. */
  @Column({ type: 'varchar', length: 20, nullable: true })
  phone_mobile!: string | null;

  @Column({ type: 'boolean', default: false })
  sms_opt_in!: boolean;

  @Column({ type: 'varchar', length: 36, nullable: true })
  account_id!: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  primary_address_city!: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  primary_address_country!: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  lead_source!: string | null;

  @Column({ type: 'varchar', length: 36, nullable: true })
  assigned_user_id!: string | null;

  @CreatedAtColumn()
  created_at!: Date;

  @UpdatedAtColumn()
  updated_at!: Date;

  /** Soft delete: messages and campaign history keep pointing at the record. */
  @DeleteDateColumn({ ...DATETIME, name: 'deleted_at', nullable: true })
  deleted_at!: Date | null;
}
