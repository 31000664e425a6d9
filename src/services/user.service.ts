import { inTransaction } from '../db/transactions';
import type { DataSource } from 'typeorm';
import { newId } from '../../entities/columns';
import { User, UserRole } from '../../entities/user.entity';
import { generateApiToken, hashApiToken } from '../auth/api-token';
import { hashPassword } from '../auth/passwords';
import { conflict, notFound } from '../errors/domain-error';
import { offsetOf } from './pagination';
import type { Page, PageRequest } from './pagination';

export interface NewUser {
  email: string;
  name: string;
  role: UserRole;
}

export interface UserChanges {
  name?: string;
  role?: UserRole;
  active?: boolean;
}

export class UserService {
  constructor(private readonly dataSource: DataSource) {}

  private get repo() {
    return this.dataSource.getRepository(User);
  }

  /** Creates a user and returns its API token, which is never retrievable again. */
  async create(input: NewUser): Promise<{ user: User; apiToken: string }> {
    const email = input.email.trim().toLowerCase();
    if (await this.repo.findOne({ where: { email } })) {
      throw conflict(`a user with email '${email}' already exists`);
    }
    const apiToken = generateApiToken();
    const now = new Date();
    const user = this.repo.create({
      id: newId(),
      email,
      name: input.name.trim(),
      role: input.role,
      api_token_hash: hashApiToken(apiToken),
      password_hash: null,
      active: true,
      created_at: now,
      updated_at: now,
    });
    await this.repo.insert(user);
    return { user: await this.get(user.id), apiToken };
  }

  async get(id: string): Promise<User> {
    const user = await this.repo.findOne({ where: { id } });
    if (!user) {
      throw notFound('User', id);
    }
    return user;
  }

  async list(page: PageRequest): Promise<Page<User>> {
    const [data, total] = await this.repo.findAndCount({
      order: { created_at: 'ASC', id: 'ASC' },
      skip: offsetOf(page),
      take: page.per_page,
    });
    return { data, total, ...page };
  }

  async findActiveByEmail(email: string): Promise<User | null> {
    return this.repo.findOne({ where: { email: email.trim().toLowerCase(), active: true } });
  }

  async setPassword(id: string, password: string): Promise<void> {
    await this.get(id);
    await this.repo.update(
      { id },
      { password_hash: await hashPassword(password), updated_at: new Date() },
    );
  }

  /** The active user holding this API token, or null. */
  async findByApiToken(token: string): Promise<User | null> {
    return this.repo.findOne({ where: { api_token_hash: hashApiToken(token), active: true } });
  }

  async update(id: string, changes: UserChanges, actingUserId: string): Promise<User> {
    const user = await this.get(id);
    const losesAdmin =
      user.role === UserRole.Admin &&
      ((changes.role !== undefined && changes.role !== UserRole.Admin) || changes.active === false);
    if (losesAdmin && id === actingUserId) {
      throw conflict('you cannot remove your own admin rights or deactivate yourself');
    }
    await inTransaction(this.dataSource, async (manager) => {
      await manager.getRepository(User).update({ id }, { ...changes, updated_at: new Date() });
      if (losesAdmin) {
        const admins = await manager
          .getRepository(User)
          .count({ where: { role: UserRole.Admin, active: true } });
        if (admins === 0) {
          throw conflict('this is the last active admin; make another user admin first');
        }
      }
    });
    return this.get(id);
  }

  /** Replaces a user's API token; the old one stops working at once. */
  async rotateToken(id: string): Promise<{ user: User; apiToken: string }> {
    await this.get(id);
    const apiToken = generateApiToken();
    await this.repo.update(
      { id },
      { api_token_hash: hashApiToken(apiToken), updated_at: new Date() },
    );
    return { user: await this.get(id), apiToken };
  }

  /**
   * Makes sure an admin with this email exists and can sign in with this password
   * (ADMIN_EMAIL / ADMIN_PASSWORD at start). Idempotent; the password is reset to the given one.
   */
  async ensureAdminWithPassword(email: string, password: string): Promise<User> {
    const normalizedEmail = email.trim().toLowerCase();
    const existing = await this.repo.findOne({ where: { email: normalizedEmail } });
    const passwordHash = await hashPassword(password);
    if (existing) {
      await this.repo.update(
        { id: existing.id },
        { password_hash: passwordHash, role: UserRole.Admin, active: true, updated_at: new Date() },
      );
      return this.get(existing.id);
    }
    const now = new Date();
    const admin = this.repo.create({
      id: newId(),
      email: normalizedEmail,
      name: 'Administrator',
      role: UserRole.Admin,
      api_token_hash: null,
      password_hash: passwordHash,
      active: true,
      created_at: now,
      updated_at: now,
    });
    await this.repo.insert(admin);
    return this.get(admin.id);
  }

  /**
   * Makes sure an admin holding `token` exists (ADMIN_API_TOKEN at start). Idempotent: the same
   * token on the next start finds the same user; a new token replaces the bootstrap admin's.
   */
  async ensureBootstrapAdmin(token: string, email: string): Promise<User> {
    const hash = hashApiToken(token);
    const byToken = await this.repo.findOne({ where: { api_token_hash: hash } });
    if (byToken) {
      if (byToken.role !== UserRole.Admin || !byToken.active) {
        await this.repo.update({ id: byToken.id }, { role: UserRole.Admin, active: true });
      }
      return this.get(byToken.id);
    }
    const normalizedEmail = email.trim().toLowerCase();
    const byEmail = await this.repo.findOne({ where: { email: normalizedEmail } });
    if (byEmail) {
      await this.repo.update(
        { id: byEmail.id },
        { api_token_hash: hash, role: UserRole.Admin, active: true, updated_at: new Date() },
      );
      return this.get(byEmail.id);
    }
    const now = new Date();
    const admin = this.repo.create({
      id: newId(),
      email: normalizedEmail,
      name: 'Administrator',
      role: UserRole.Admin,
      api_token_hash: hash,
      password_hash: null,
      active: true,
      created_at: now,
      updated_at: now,
    });
    await this.repo.insert(admin);
    return this.get(admin.id);
  }
}
