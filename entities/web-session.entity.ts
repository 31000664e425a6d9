import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { CreatedAtColumn, DATETIME } from './columns';

/** A signed-in browser. The cookie holds a random token; only its SHA-256 is stored here. */
@Entity({ name: 'web_sessions' })
@Index('idx_web_sessions_user', ['user_id'])
export class WebSession {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id_hash!: string;

  @Column({ type: 'varchar', length: 36 })
  user_id!: string;

  /** Synchroniser token every form of this session must echo back. */
  @Column({ type: 'varchar', length: 64 })
  csrf_token!: string;

  @Column({ ...DATETIME })
  expires_at!: Date;

  @CreatedAtColumn()
  created_at!: Date;
}
