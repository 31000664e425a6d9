import type { DataSource, EntityManager } from 'typeorm';
import { In } from 'typeorm';
import { Account } from '../../../entities/account.entity';
import { newId } from '../../../entities/columns';
import { ConsentLogEntry, ConsentSource } from '../../../entities/consent-log-entry.entity';
import { Contact } from '../../../entities/contact.entity';
import { RecordModule } from '../../../entities/record-module';
import type { SuppressionReason } from '../../../entities/suppression.entity';
import { Suppression } from '../../../entities/suppression.entity';
import { isMysqlFamily } from '../../db/data-source';
import { execute } from '../../db/sql';
import { inTransaction } from '../../db/transactions';
import { offsetOf } from '../pagination';
import type { Page, PageRequest } from '../pagination';

/** Who or what changed a consent, for the log. */
export interface ConsentActor {
  source: ConsentSource;
  userId: string | null;
  detail?: string | null;
}

export interface ConsentChange {
  record_type: RecordModule;
  record_id: string;
  phone: string | null;
  old_value: boolean | null;
  new_value: boolean;
}

const RECORD_TABLES = [
  { module: RecordModule.Contacts, entity: Contact, phoneField: 'phone_mobile' as const },
  { module: RecordModule.Accounts, entity: Account, phoneField: 'phone_office' as const },
];

/**
 * Consent is a history, not a boolean: every change of sms_opt_in is appended to the consent
 * log, and numbers that said STOP go on a suppression list that every send path checks, whatever
 * record the number is on (or is put on later).
 */
export class ConsentService {
  constructor(private readonly dataSource: DataSource) {}

  async log(manager: EntityManager, change: ConsentChange, actor: ConsentActor): Promise<void> {
    await manager.getRepository(ConsentLogEntry).insert({
      id: newId(),
      ...change,
      source: actor.source,
      user_id: actor.userId,
      detail: actor.detail?.slice(0, 255) ?? null,
      created_at: new Date(),
    });
  }

  async history(
    filter: { record_type?: RecordModule; record_id?: string; phone?: string },
    page: PageRequest,
  ): Promise<Page<ConsentLogEntry>> {
    const where: Record<string, string> = {};
    for (const [key, value] of Object.entries(filter)) {
      if (value !== undefined) {
        where[key] = value;
      }
    }
    const [data, total] = await this.dataSource.getRepository(ConsentLogEntry).findAndCount({
      where,
      order: { created_at: 'DESC', id: 'DESC' },
      skip: offsetOf(page),
      take: page.per_page,
    });
    return { data, total, ...page };
  }

  async suppression(phone: string, manager?: EntityManager): Promise<Suppression | null> {
    return (manager ?? this.dataSource.manager)
      .getRepository(Suppression)
      .findOne({ where: { phone } });
  }

  /** The numbers among `phones` that are suppressed. */
  async suppressedAmong(phones: string[], manager?: EntityManager): Promise<Set<string>> {
    const found = new Set<string>();
    const unique = [...new Set(phones)];
    for (let i = 0; i < unique.length; i += 500) {
      const rows = await (manager ?? this.dataSource.manager)
        .getRepository(Suppression)
        .find({ select: { phone: true }, where: { phone: In(unique.slice(i, i + 500)) } });
      rows.forEach((row) => found.add(row.phone));
    }
    return found;
  }

  async listSuppressions(page: PageRequest): Promise<Page<Suppression>> {
    const [data, total] = await this.dataSource.getRepository(Suppression).findAndCount({
      order: { created_at: 'DESC', phone: 'ASC' },
      skip: offsetOf(page),
      take: page.per_page,
    });
    return { data, total, ...page };
  }

  /**
   * The number said stop (a keyword, or the provider reports it opted out): suppress it and
   * clear sms_opt_in on every contact and account with that number, logging each change.
   */
  async optOut(
    phone: string,
    reason: SuppressionReason,
    actor: ConsentActor,
  ): Promise<{ records: number }> {
    return inTransaction(this.dataSource, async (manager) => {
      const insert = isMysqlFamily(this.dataSource)
        ? 'INSERT IGNORE INTO sms_suppressions (phone, reason, detail, created_at) VALUES (?, ?, ?, ?)'
        : 'INSERT INTO sms_suppressions (phone, reason, detail, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (phone) DO NOTHING';
      const now = new Date();
      await execute(manager, insert, [
        phone,
        reason,
        actor.detail?.slice(0, 255) ?? null,
        isMysqlFamily(this.dataSource) ? now : now.toISOString().replace('T', ' ').replace('Z', ''),
      ]);
      let records = 0;
      for (const table of RECORD_TABLES) {
        const repo = manager.getRepository<Contact | Account>(table.entity);
        const opted = await repo.find({
          where: { [table.phoneField]: phone, sms_opt_in: true } as never,
        });
        for (const record of opted) {
          await repo.update({ id: record.id }, { sms_opt_in: false, updated_at: now });
          await this.log(
            manager,
            {
              record_type: table.module,
              record_id: record.id,
              phone,
              old_value: true,
              new_value: false,
            },
            actor,
          );
          records += 1;
        }
      }
      return { records };
    });
  }

  /**
   * START/YES/UNSTOP: lift the suppression and restore sms_opt_in on the records whose consent
   * was withdrawn by the number itself (a keyword or the provider). Records that never opted in
   * stay as they are: texting START is not consent to be added to every list.
   */
  async optBackIn(phone: string, actor: ConsentActor): Promise<{ records: number }> {
    return inTransaction(this.dataSource, async (manager) => {
      await manager.getRepository(Suppression).delete({ phone });
      let records = 0;
      const now = new Date();
      for (const table of RECORD_TABLES) {
        const repo = manager.getRepository<Contact | Account>(table.entity);
        const out = await repo.find({
          where: { [table.phoneField]: phone, sms_opt_in: false } as never,
        });
        for (const record of out) {
          const last = await manager.getRepository(ConsentLogEntry).findOne({
            where: { record_type: table.module, record_id: record.id },
            order: { created_at: 'DESC', id: 'DESC' },
          });
          const withdrawnByNumber =
            last !== null &&
            last.new_value === false &&
            (last.source === ConsentSource.Keyword || last.source === ConsentSource.Provider);
          if (!withdrawnByNumber) {
            continue;
          }
          await repo.update({ id: record.id }, { sms_opt_in: true, updated_at: now });
          await this.log(
            manager,
            {
              record_type: table.module,
              record_id: record.id,
              phone,
              old_value: false,
              new_value: true,
            },
            actor,
          );
          records += 1;
        }
      }
      return { records };
    });
  }
}
