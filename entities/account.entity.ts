import { Column, DeleteDateColumn, Entity, Index } from 'typeorm';
import { CreatedAtColumn, DATETIME, IdColumn, UpdatedAtColumn } from './columns';

@Entity({ name: 'accounts' })
@Index('idx_accounts_phone_office', ['phone_office'])
@Index('idx_accounts_name', ['name'])
export class Account {
  @IdColumn()
  id!: string;

  @Column({ type: 'varchar', length: 150 })
  name!: string;

  /** E.164, or null when the account has no office number. */
  @Column({ type: 'varchar', length: 20, nullable: true })
  phone_office!: string | null;

  @Column({ type: 'boolean', default: false })
  sms_opt_in!: boolean;

  @Column({ type: 'varchar', length: 50, nullable: true })
  account_type!: string | null;

  @Column({ type: 'varchar', length: 50, nullable: true })
  industry!: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  billing_address_city!: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  billing_address_country!: string | null;

  @Column({ type: 'varchar', length: 36, nullable: true })
  assigned_user_id!: string | null;

  @CreatedAtColumn()
  created_at!: Date;

  @UpdatedAtColumn()
  updated_at!: Date;

  @DeleteDateColumn({ ...DATETIME, name: 'deleted_at', nullable: true })
  deleted_at!: Date | null;
}
