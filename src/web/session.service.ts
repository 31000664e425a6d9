import { createHash, randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { LessThan } from 'typeorm';
import { User } from '../../entities/user.entity';
import { WebSession } from '../../entities/web-session.entity';

export const SESSION_COOKIE = 'crm_sms_session';
const SESSION_HOURS = 12;

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

export interface ActiveSession {
  user: User;
  csrfToken: string;
}

/** Browser sessions in the database, so any web process can serve any request. */
export class SessionService {
  constructor(private readonly dataSource: DataSource) {}

  /** A new session for the user; returns the cookie value (shown to nobody else). */
  async open(userId: string): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await this.dataSource.getRepository(WebSession).insert({
      id_hash: sha256(token),
      user_id: userId,
      csrf_token: randomBytes(32).toString('base64url'),
      expires_at: new Date(Date.now() + SESSION_HOURS * 3_600_000),
      created_at: new Date(),
    });
    // Old sessions are cleaned up here rather than by another job.
    await this.dataSource.getRepository(WebSession).delete({ expires_at: LessThan(new Date()) });
    return token;
  }

  async find(token: string | undefined): Promise<ActiveSession | null> {
    if (!token || token.length > 100) {
      return null;
    }
    const session = await this.dataSource
      .getRepository(WebSession)
      .findOne({ where: { id_hash: sha256(token) } });
    if (!session || session.expires_at.getTime() < Date.now()) {
      return null;
    }
    const user = await this.dataSource
      .getRepository(User)
      .findOne({ where: { id: session.user_id, active: true } });
    return user ? { user, csrfToken: session.csrf_token } : null;
  }

  async close(token: string | undefined): Promise<void> {
    if (token) {
      await this.dataSource.getRepository(WebSession).delete({ id_hash: sha256(token) });
    }
  }

  /** Signs a user out everywhere (deactivated, password or role changed). */
  async closeAllFor(userId: string): Promise<void> {
    await this.dataSource.getRepository(WebSession).delete({ user_id: userId });
  }
}
