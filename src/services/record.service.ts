import type { DataSource, EntityManager, ObjectLiteral, Repository } from 'typeorm';
import { IsNull } from 'typeorm';
import { Account } from '../../entities/account.entity';
import { Contact } from '../../entities/contact.entity';
import { User } from '../../entities/user.entity';
import { orderedUuid } from '../domain/ordered-id';
import { normalizePhone } from '../domain/phone-number';
import { ACCOUNTS, CONTACTS } from '../domain/record-modules';
import type { RecordModuleDefinition } from '../domain/record-modules';
import { DomainError, ErrorCode, notFound, validationFailed } from '../errors/domain-error';
import { inTransaction } from '../db/transactions';
import type { ConsentActor, ConsentService } from './consent/consent.service';
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
    private readonly consent: ConsentService,
  ) {}

  private repo(manager: EntityManager = this.dataSource.manager): Repository<T> {
    return manager.getRepository(this.entity);
  }

  /** Creates a record; a consent given at creation is logged with who gave it and how. */
  async create(input: Partial<T>, actor: ConsentActor): Promise<T> {
    const values = await this.prepare(input, true);
    const now = new Date();
    const record = this.repo().create({
      ...values,
      // Time-ordered (ordered-id.ts): new records go to the end of the primary key, so big
      // imports stay fast on InnoDB, and campaigns, which read recipients in id order, read
      // them in the order they are stored.
      id: orderedUuid(),
      created_at: now,
      updated_at: now,
    } as T);
    await this.checkNotSuppressed(record);
    await inTransaction(this.dataSource, async (manager) => {
      await this.repo(manager).insert(record as never);
      if (record.sms_opt_in) {
        await this.consent.log(
          manager,
          {
            record_type: this.def.module,
            record_id: record.id,
            phone: this.phoneOf(record),
            old_value: null,
            new_value: true,
          },
          actor,
        );
      }
    });
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

  /** Updates a record; a change of sms_opt_in is logged in the same transaction. */
  async update(id: string, input: Partial<T>, actor: ConsentActor): Promise<T> {
    const current = await this.get(id);
    const values = await this.prepare(input, false);
    const given = Object.fromEntries(
      Object.entries(values).filter(([, value]) => value !== undefined),
    ) as Partial<T>;
    if (Object.keys(given).length === 0) {
      return current;
    }
    const next = { ...current, ...given } as T;
    const consentChanged =
      given.sms_opt_in !== undefined && given.sms_opt_in !== current.sms_opt_in;
    if (next.sms_opt_in && (consentChanged || this.phoneOf(next) !== this.phoneOf(current))) {
      await this.checkNotSuppressed(next);
    }
    await inTransaction(this.dataSource, async (manager) => {
      await this.repo(manager).update(
        { id, deleted_at: IsNull() } as never,
        { ...given, updated_at: new Date() } as never,
      );
      if (consentChanged) {
        await this.consent.log(
          manager,
          {
            record_type: this.def.module,
            record_id: id,
            phone: this.phoneOf(next),
            old_value: current.sms_opt_in,
            new_value: next.sms_opt_in,
          },
          actor,
        );
      }
    });
    return this.get(id);
  }

  /**
   * A number that replied STOP opts back in only by texting START: staff cannot re-enable it
   * on a record, or the revocation would be overridden without the person's say.
   */
  private async checkNotSuppressed(record: T): Promise<void> {
    const phone = this.phoneOf(record);
    if (!record.sms_opt_in || !phone) {
      return;
    }
    const suppressed = await this.consent.suppression(phone);
    if (suppressed) {
      throw new DomainError(
        ErrorCode.Suppressed,
        `${phone} is on the suppression list (${suppressed.reason}, since ${suppressed.created_at.toISOString()}); it can opt back in only by replying START`,
        [{ field: 'sms_opt_in', message: `${phone} opted out of SMS` }],
      );
    }
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
  constructor(dataSource: DataSource, consent: ConsentService) {
    super(dataSource, CONTACTS, Contact, consent);
  }
}

export class AccountService extends RecordService<Account> {
  constructor(dataSource: DataSource, consent: ConsentService) {
    super(dataSource, ACCOUNTS, Account, consent);
  }
}
