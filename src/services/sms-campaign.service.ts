import { nextInSequence } from '../db/sequences';
import { inTransaction } from '../db/transactions';
import type { DataSource, EntityManager, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { Between, In, LessThanOrEqual, MoreThanOrEqual } from 'typeorm';
import { isMysqlFamily } from '../db/data-source';
import { CampaignRecipient, RecipientStatus } from '../../entities/campaign-recipient.entity';
import { newId } from '../../entities/columns';
import type { RecordModule } from '../../entities/record-module';
import { CampaignStatus, SmsCampaign } from '../../entities/sms-campaign.entity';
import { SmsMessage, SmsStatus } from '../../entities/sms-message.entity';
import { SmsTemplate } from '../../entities/sms-template.entity';
import { conflict, fieldError, notFound, validationFailed } from '../errors/domain-error';
import { definedOnly } from './defined-only';
import { offsetOf } from './pagination';
import type { Page, PageRequest } from './pagination';
import { applyRecordFilter } from './record-filter';
import type { RecordFilter } from './record-filter';
import type { CrmRecord, RecordService } from './record.service';

export interface NewCampaign {
  name: string;
  send_date: Date;
  module: RecordModule;
  template_id?: string | null;
}

export interface CampaignChanges {
  name?: string;
  send_date?: Date;
  template_id?: string | null;
  status?: CampaignStatus;
}

export interface CampaignSummary {
  campaign: SmsCampaign;
  recipients: number;
  counts: Record<string, number>;
  skipped: Record<string, number>;
  segments: number;
}

export interface RecipientView {
  record_id: string;
  name: string | null;
  phone: string | null;
  sms_opt_in: boolean | null;
  record_deleted: boolean;
  status: RecipientStatus;
  skip_reason: string | null;
  created_at: Date;
}

/** Statuses from which a campaign can still be cancelled. */
const CANCELLABLE: readonly CampaignStatus[] = [
  CampaignStatus.Draft,
  CampaignStatus.GenerateAll,
  CampaignStatus.Generating,
  CampaignStatus.InProgress,
];

/** Statuses in which a campaign may be deleted (nothing is being sent from it). */
const DELETABLE: readonly CampaignStatus[] = [
  CampaignStatus.Draft,
  CampaignStatus.Completed,
  CampaignStatus.Cancelled,
];

export const MAX_RECIPIENT_IDS_PER_REQUEST = 10_000;

export class SmsCampaignService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly records: (module: RecordModule) => RecordService<CrmRecord>,
  ) {}

  private get repo() {
    return this.dataSource.getRepository(SmsCampaign);
  }

  async create(input: NewCampaign, userId: string | null): Promise<SmsCampaign> {
    if (input.template_id) {
      await this.checkTemplate(input.template_id, input.module);
    }
    const now = new Date();
    const id = newId();
    await inTransaction(this.dataSource, async (manager) => {
      const campaign = manager.getRepository(SmsCampaign).create({
        id,
        seq: await nextInSequence(manager, 'sms_campaigns'),
        name: input.name.trim(),
        send_date: input.send_date,
        module: input.module,
        template_id: input.template_id ?? null,
        status: CampaignStatus.Draft,
        created_by_user_id: userId,
        created_at: now,
        updated_at: now,
      });
      await manager.getRepository(SmsCampaign).insert(campaign);
    });
    return this.get(id);
  }

  async get(id: string): Promise<SmsCampaign> {
    const campaign = await this.repo.findOne({ where: { id } });
    if (!campaign) {
      throw notFound('SMS campaign', id);
    }
    return campaign;
  }

  /** The campaign with its recipient total, message counts per status and skips per reason. */
  async summary(id: string): Promise<CampaignSummary> {
    const campaign = await this.get(id);
    const counts: Record<string, number> = {};
    let segments = 0;
    const byStatus = await this.dataSource
      .getRepository(SmsMessage)
      .createQueryBuilder('m')
      .select('m.status', 'status')
      .addSelect('COUNT(*)', 'n')
      .addSelect('SUM(m.segments)', 'segments')
      .where('m.campaign_id = :id', { id })
      .groupBy('m.status')
      .getRawMany<{ status: string; n: string | number; segments: string | number | null }>();
    for (const row of byStatus) {
      counts[row.status] = Number(row.n);
      segments += Number(row.segments ?? 0);
    }
    const skipped: Record<string, number> = {};
    const bySkip = await this.recipientQuery(id)
      .select('cr.skip_reason', 'reason')
      .addSelect('COUNT(*)', 'n')
      .andWhere('cr.status = :skipped', { skipped: RecipientStatus.Skipped })
      .groupBy('cr.skip_reason')
      .getRawMany<{ reason: string; n: string | number }>();
    for (const row of bySkip) {
      skipped[row.reason] = Number(row.n);
    }
    const recipients = await this.recipientQuery(id).getCount();
    return { campaign, recipients, counts, skipped, segments };
  }

  /** Campaigns, newest first; the period filters on the dispatch date. */
  async list(
    filter: { status?: CampaignStatus; from?: Date; to?: Date },
    page: PageRequest,
  ): Promise<Page<SmsCampaign>> {
    const where: Record<string, unknown> = {};
    if (filter.status) {
      where.status = filter.status;
    }
    if (filter.from && filter.to) {
      where.send_date = Between(filter.from, filter.to);
    } else if (filter.from) {
      where.send_date = MoreThanOrEqual(filter.from);
    } else if (filter.to) {
      where.send_date = LessThanOrEqual(filter.to);
    }
    const [data, total] = await this.repo.findAndCount({
      where,
      order: { created_at: 'DESC', id: 'DESC' },
      skip: offsetOf(page),
      take: page.per_page,
    });
    return { data, total, ...page };
  }

  /**
   * Edits a draft and/or changes the status, all in one transaction: a status change that is
   * refused leaves the other edits of the same request unsaved too.
   */
  async update(id: string, changes: CampaignChanges): Promise<SmsCampaign> {
    const { status, ...fields } = definedOnly(changes);
    await inTransaction(this.dataSource, async (manager) => {
      const campaign = await this.lock(manager, id);
      if (Object.keys(fields).length > 0) {
        if (campaign.status !== CampaignStatus.Draft) {
          throw conflict(
            `campaign '${campaign.name}' is ${campaign.status}; only a draft campaign can be edited`,
          );
        }
        if (fields.template_id) {
          await this.checkTemplate(fields.template_id, campaign.module, manager);
        }
        const values: Partial<SmsCampaign> = { ...fields, updated_at: new Date() };
        if (fields.name !== undefined) {
          values.name = fields.name.trim();
        }
        await manager.getRepository(SmsCampaign).update({ id }, values);
        Object.assign(campaign, values);
      }
      if (status !== undefined) {
        await this.changeStatus(manager, campaign, status);
      }
    });
    return this.get(id);
  }

  private async changeStatus(
    manager: EntityManager,
    campaign: SmsCampaign,
    status: CampaignStatus,
  ): Promise<void> {
    switch (status) {
      case CampaignStatus.GenerateAll:
        return this.startGeneration(manager, campaign);
      case CampaignStatus.Cancelled:
        return this.cancel(manager, campaign);
      case CampaignStatus.Draft:
      case CampaignStatus.Generating:
      case CampaignStatus.InProgress:
      case CampaignStatus.Completed:
        throw conflict(
          `status cannot be set to '${status}'; use generate_all or cancelled (the scheduler sets the others)`,
        );
    }
  }

  /** "Generate all SMS Messages": only from draft, with a usable template and recipients. */
  private async startGeneration(manager: EntityManager, campaign: SmsCampaign): Promise<void> {
    if (campaign.status !== CampaignStatus.Draft) {
      throw conflict(`campaign '${campaign.name}' is ${campaign.status}, not draft`);
    }
    if (!campaign.template_id) {
      throw conflict(`campaign '${campaign.name}' has no template; choose one first`);
    }
    const template = await manager
      .getRepository(SmsTemplate)
      .findOne({ where: { id: campaign.template_id } });
    if (!template) {
      throw conflict(`the template of campaign '${campaign.name}' was deleted; choose another`);
    }
    if (template.module !== campaign.module) {
      throw conflict(
        `template '${template.name}' is now for ${template.module}, but the campaign targets ${campaign.module}`,
      );
    }
    if ((await this.recipientQuery(campaign.id, manager).getCount()) === 0) {
      throw conflict(`campaign '${campaign.name}' has no recipients; add some first`);
    }
    await manager
      .getRepository(SmsCampaign)
      .update(
        { id: campaign.id, status: CampaignStatus.Draft },
        { status: CampaignStatus.GenerateAll, updated_at: new Date() },
      );
  }

  /** Cancels the campaign and every message of it that has not left yet. */
  private async cancel(manager: EntityManager, campaign: SmsCampaign): Promise<void> {
    if (!CANCELLABLE.includes(campaign.status)) {
      throw conflict(`campaign '${campaign.name}' is ${campaign.status} and cannot be cancelled`);
    }
    await manager
      .getRepository(SmsCampaign)
      .update({ id: campaign.id }, { status: CampaignStatus.Cancelled, updated_at: new Date() });
    await manager
      .getRepository(SmsMessage)
      .update(
        { campaign_id: campaign.id, status: In([SmsStatus.Draft, SmsStatus.SendSms]) },
        { status: SmsStatus.Cancelled, updated_at: new Date() },
      );
  }

  async remove(id: string): Promise<void> {
    const campaign = await this.get(id);
    if (!DELETABLE.includes(campaign.status)) {
      throw conflict(
        `campaign '${campaign.name}' is ${campaign.status}; cancel it before deleting it`,
      );
    }
    await this.repo.softDelete({ id });
  }

  /**
   * Adds records by id (all must exist) or by filter (one INSERT ... SELECT, whatever the size).
   * Records already in the campaign are left as they are. Runs in one transaction.
   */
  async addRecipients(
    id: string,
    selection: { ids: string[] } | { filter: RecordFilter },
  ): Promise<{ added: number; total: number }> {
    const campaign = await this.get(id);
    this.requireDraft(campaign, 'add recipients');
    const records = this.records(campaign.module);
    return inTransaction(this.dataSource, async (manager) => {
      this.requireDraft(await this.lock(manager, id), 'add recipients');
      const before = await this.recipientQuery(id, manager).getCount();
      if ('ids' in selection) {
        const ids = [...new Set(selection.ids)];
        const missing = await records.missingIds(ids, manager);
        if (missing.length > 0) {
          throw validationFailed(
            missing.slice(0, 20).map((m) => ({
              field: 'ids',
              message: `${campaign.module} record '${m}' does not exist`,
            })),
            `${missing.length} of the ids are not ${campaign.module} records; nothing was added`,
          );
        }
        await this.insertSelected(manager, campaign, records, (q) =>
          q.andWhere('r.id IN (:...ids)', { ids }),
        );
      } else {
        await this.insertSelected(manager, campaign, records, (q) =>
          applyRecordFilter(q, records.def, selection.filter),
        );
      }
      const total = await this.recipientQuery(id, manager).getCount();
      return { added: total - before, total };
    });
  }

  async listRecipients(id: string, page: PageRequest): Promise<Page<RecipientView>> {
    const campaign = await this.get(id);
    const def = this.records(campaign.module).def;
    const table = def.module;
    const nameExpr =
      table === 'contacts'
        ? "TRIM(CONCAT(COALESCE(r.first_name, ''), ' ', r.last_name))"
        : 'r.name';
    const sqliteName =
      table === 'contacts' ? "TRIM(COALESCE(r.first_name, '') || ' ' || r.last_name)" : 'r.name';
    const isSqlite = this.dataSource.options.type === 'better-sqlite3';
    const total = await this.recipientQuery(id).getCount();
    const rows = await this.recipientQuery(id)
      .leftJoin(table, 'r', 'r.id = cr.record_id')
      .select('cr.record_id', 'record_id')
      .addSelect(isSqlite ? sqliteName : nameExpr, 'name')
      .addSelect(`r.${def.phoneField}`, 'phone')
      .addSelect('r.sms_opt_in', 'sms_opt_in')
      .addSelect('r.deleted_at', 'deleted_at')
      .addSelect('cr.status', 'status')
      .addSelect('cr.skip_reason', 'skip_reason')
      .addSelect('cr.created_at', 'created_at')
      .orderBy('cr.created_at', 'ASC')
      .addOrderBy('cr.record_id', 'ASC')
      .offset(offsetOf(page))
      .limit(page.per_page)
      .getRawMany<Record<string, unknown>>();
    const data = rows.map((row) => ({
      record_id: String(row.record_id),
      name: row.name == null ? null : String(row.name),
      phone: row.phone == null ? null : String(row.phone),
      sms_opt_in: row.sms_opt_in == null ? null : Boolean(Number(row.sms_opt_in)),
      record_deleted: row.deleted_at != null || row.name == null,
      status: row.status as RecipientStatus,
      skip_reason: row.skip_reason == null ? null : String(row.skip_reason),
      created_at: toDate(row.created_at),
    }));
    return { data, total, ...page };
  }

  async removeRecipient(id: string, recordId: string): Promise<void> {
    const campaign = await this.get(id);
    this.requireDraft(campaign, 'remove recipients');
    const result = await this.dataSource
      .getRepository(CampaignRecipient)
      .delete({ campaign_id: id, record_id: recordId });
    if (!result.affected) {
      throw notFound(`Recipient of campaign '${campaign.name}'`, recordId);
    }
  }

  private recipientQuery(id: string, manager: EntityManager = this.dataSource.manager) {
    return manager
      .getRepository(CampaignRecipient)
      .createQueryBuilder('cr')
      .where('cr.campaign_id = :campaignId', { campaignId: id });
  }

  private async insertSelected(
    manager: EntityManager,
    campaign: SmsCampaign,
    records: RecordService<CrmRecord>,
    narrow: (query: SelectQueryBuilder<ObjectLiteral>) => unknown,
  ): Promise<void> {
    const now = new Date();
    const select = manager
      .createQueryBuilder()
      .select(':campaignId', 'campaign_id')
      .addSelect('r.id', 'record_id')
      .addSelect(':pending', 'status')
      .addSelect(':now', 'created_at')
      .addSelect(':now', 'updated_at')
      .from(records.def.module, 'r')
      .where('r.deleted_at IS NULL')
      .andWhere(
        'NOT EXISTS (SELECT 1 FROM sms_campaign_recipients x WHERE x.campaign_id = :campaignId AND x.record_id = r.id)',
      )
      .setParameters({ campaignId: campaign.id, pending: RecipientStatus.Pending, now });
    narrow(select);
    const [sql, parameters] = select.getQueryAndParameters();
    // Columns are matched by alias through a derived table: TypeORM does not promise to keep
    // the order of the select list.
    await manager.query(
      `INSERT INTO sms_campaign_recipients (campaign_id, record_id, status, created_at, updated_at)
       SELECT s.campaign_id, s.record_id, s.status, s.created_at, s.updated_at FROM (${sql}) s`,
      parameters,
    );
  }

  /**
   * Re-reads the campaign inside a transaction, row-locked on MySQL/MariaDB (SQLite serialises
   * writers anyway), so concurrent status changes and edits queue up instead of interleaving.
   */
  private async lock(manager: EntityManager, id: string): Promise<SmsCampaign> {
    const campaign = await manager.getRepository(SmsCampaign).findOne({
      where: { id },
      ...(isMysqlFamily(this.dataSource) ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
    if (!campaign) {
      throw notFound('SMS campaign', id);
    }
    return campaign;
  }

  private requireDraft(campaign: SmsCampaign, action: string): void {
    if (campaign.status !== CampaignStatus.Draft) {
      throw conflict(
        `campaign '${campaign.name}' is ${campaign.status}; you can only ${action} while it is draft`,
      );
    }
  }

  private async checkTemplate(
    templateId: string,
    module: RecordModule,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<void> {
    const template = await manager
      .getRepository(SmsTemplate)
      .findOne({ where: { id: templateId } });
    if (!template) {
      throw fieldError('template_id', `SMS template '${templateId}' does not exist`);
    }
    if (template.module !== module) {
      throw fieldError(
        'template_id',
        `SMS template '${template.name}' is for ${template.module}, not ${module}`,
      );
    }
  }
}

function toDate(value: unknown): Date {
  if (value instanceof Date) {
    return value;
  }
  // SQLite returns 'YYYY-MM-DD HH:MM:SS.SSS' in UTC.
  return new Date(String(value).replace(' ', 'T') + 'Z');
}
