import type { DataSource, EntityManager, ObjectLiteral, Repository } from 'typeorm';
import { IsNull } from 'typeorm';
import { Account } from '../../entities/account.entity';
import { newId } from '../../entities/columns';
import { Contact } from '../../entities/contact.entity';
import { User } from '../../entities/user.entity';
import { normalizePhone } from '../domain/phone-number';
import { ACCOUNTS, CONTACTS } from '../domain/record-modules';
import type { RecordModuleDefinition } from '../domain/record-modules';
import { notFound, validationFailed } from '../errors/domain-error';
import type { ErrorDetail } from '../errors/domain-error';
import { offsetOf } from './pagination';
import type { Page, PageRequest } from './pagination';
import { applyRecordFilter } from './record-filter';
import type { RecordFilter } from './record-filter';

export type CrmRecord = Contact | Account;

/** Why a record cannot receive SMS, or null when it can. */
export type SmsReachability =
  { ok: true; number: string } | { ok: false; code: 'no_phone' | 'not_opted_in'; reason: string };

/**
 * Create, read, update, soft-delete and search for one CRM module (Contacts or Accounts). Both
 * modules share the rules; only the field list and the phone field differ.
 */
export class RecordService<T extends CrmRecord & ObjectLiteral> {
  constructor(
    private readonly dataSource: DataSource,
    readonly def: RecordModuleDefinition,
    private readonly entity: new () => T,
  ) {}

  private repo(manager: EntityManager = this.dataSource.manager): Repository<T> {
    return manager.getRepository(this.entity);
  }

  async create(input: Partial<T>): Promise<T> {
    const values = await this.prepare(input, true);
    const now = new Date();
    const record = this.repo().create({
      ...values,
      id: newId(),
      created_at: now,
      updated_at: now,
    } as T);
    await this.repo().insert(record as never);
    return this.get(record.id);
  }

  async get(id: string): Promise<T> {
    const record = await this.find(id);
    if (!record) {
      throw notFound(this.def.label, id);
    }
    return record;
  }

  async find(id: string, manager?: EntityManager): Promise<T | null> {
    return this.repo(manager).findOne({ where: { id } as never });
  }

  async update(id: string, input: Partial<T>): Promise<T> {
    await this.get(id);
    const values = await this.prepare(input, false);
    if (Object.keys(values).length > 0) {
      await this.repo().update({ id, deleted_at: IsNull() } as never, values as never);
    }
    return this.get(id);
  }

  /** Soft delete: the record disappears from lists, its SMS history stays. */
  async remove(id: string): Promise<void> {
    await this.get(id);
    await this.repo().softDelete({ id } as never);
  }

  async list(filter: RecordFilter, page: PageRequest): Promise<Page<T>> {
    const query = applyRecordFilter(this.repo().createQueryBuilder('r'), this.def, filter)
      .orderBy('r.created_at', 'DESC')
      .addOrderBy('r.id', 'DESC')
      .skip(offsetOf(page))
      .take(page.per_page);
    const [data, total] = await query.getManyAndCount();
    return { data, total, ...page };
  }

  /** Ids among `ids` that are not live records of this module. */
  async missingIds(ids: string[], manager?: EntityManager): Promise<string[]> {
    const found = new Set<string>();
    const CHUNK = 500;
    for (let i = 0; i < ids.length; i += CHUNK) {
      const rows = await this.repo(manager)
        .createQueryBuilder('r')
        .select('r.id', 'id')
        .where('r.id IN (:...ids)', { ids: ids.slice(i, i + CHUNK) })
        .getRawMany<{ id: string }>();
      rows.forEach((row) => found.add(row.id));
    }
    return ids.filter((id) => !found.has(id));
  }

  phoneOf(record: T): string | null {
    return (record as Record<string, unknown>)[this.def.phoneField] as string | null;
  }

  displayName(record: T): string {
    if (record instanceof Contact) {
      return [record.first_name, record.last_name].filter(Boolean).join(' ');
    }
    return (record as Account).name;
  }

  reachability(record: T): SmsReachability {
    const number = this.phoneOf(record);
    if (!number) {
      return {
        ok: false,
        code: 'no_phone',
        reason: `${this.def.label} '${this.displayName(record)}' has no ${this.def.phoneLabel}`,
      };
    }
    if (!record.sms_opt_in) {
      return {
        ok: false,
        code: 'not_opted_in',
        reason: `${this.def.label} '${this.displayName(record)}' has not opted in to SMS`,
      };
    }
    return { ok: true, number };
  }

  /** Normalises the phone and checks references; returns only the fields that were given. */
  private async prepare(input: Partial<T>, creating: boolean): Promise<Partial<T>> {
    const values: Record<string, unknown> = { ...input };
    const errors: ErrorDetail[] = [];
    const phoneField = this.def.phoneField;
    const rawPhone = values[phoneField];
    if (typeof rawPhone === 'string') {
      if (rawPhone.trim() === '') {
        values[phoneField] = null;
      } else {
        const phone = normalizePhone(rawPhone);
        if (phone.ok) {
          values[phoneField] = phone.e164;
        } else {
          errors.push({ field: phoneField, message: phone.reason });
        }
      }
    }
    if (typeof values.account_id === 'string') {
      const account = await this.dataSource
        .getRepository(Account)
        .findOne({ where: { id: values.account_id } });
      if (!account) {
        errors.push({
          field: 'account_id',
          message: `account '${values.account_id}' does not exist`,
        });
      }
    }
    if (typeof values.assigned_user_id === 'string') {
      const user = await this.dataSource
        .getRepository(User)
        .findOne({ where: { id: values.assigned_user_id } });
      if (!user) {
        errors.push({
          field: 'assigned_user_id',
          message: `user '${values.assigned_user_id}' does not exist`,
        });
      }
    }
    if (errors.length > 0) {
      throw validationFailed(errors);
    }
    if (creating && values.sms_opt_in === undefined) {
      values.sms_opt_in = false;
    }
    return values as Partial<T>;
  }
}

export class ContactService extends RecordService<Contact> {
  constructor(dataSource: DataSource) {
    super(dataSource, CONTACTS, Contact);
  }
}

export class AccountService extends RecordService<Account> {
  constructor(dataSource: DataSource) {
    super(dataSource, ACCOUNTS, Account);
  }
}
