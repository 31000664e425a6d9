import { Column, Entity, Index } from 'typeorm';
import { CreatedAtColumn, IdColumn, UpdatedAtColumn } from './columns';

export enum UserRole {
  Admin = 'admin',
  Marketer = 'marketer',
  Sales = 'sales',
}

export const USER_ROLES: readonly UserRole[] = Object.values(UserRole);

@Entity({ name: 'users' })
@Index('uq_users_email', ['email'], { unique: true })
@Index('uq_users_api_token_hash', ['api_token_hash'], { unique: true })
export class User {
  @IdColumn()
  id!: string;

  /** Stored lower-cased so uniqueness does not depend on the database collation. */
  @Column({ type: 'varchar', length: 254 })
  email!: string;

  @Column({ type: 'varchar', length: 150 })
  name!: string;

  @Column({ type: 'varchar', length: 20 })
  role!: UserRole;

  /** SHA-256 of the API token; the token itself is shown once and never stored. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  api_token_hash!: string | null;

  /** scrypt hash for web sign-in (set by the user admin tools). */
  @Column({ type: 'varchar', length: 255, nullable: true })
  password_hash!: string | null;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  @CreatedAtColumn()
  created_at!: Date;

  @UpdatedAtColumn()
  updated_at!: Date;
}
