import { Column, Entity, PrimaryColumn } from 'typeorm';
import { DATETIME } from './columns';

/**
 * Settings changed from the admin pages (the SMS gateway), which override the environment.
 * Secret values are stored encrypted (AES-256-GCM) and never sent back to a browser.
 */
@Entity({ name: 'app_settings' })
export class AppSetting {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  key!: string;

  @Column({ type: 'text' })
  value!: string;

  @Column({ type: 'varchar', length: 36, nullable: true })
  updated_by_user_id!: string | null;

  @Column({ ...DATETIME })
  updated_at!: Date;
}
