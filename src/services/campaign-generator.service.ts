import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { RecipientStatus, SkipReason } from '../../entities/campaign-recipient.entity';
import { RecordModule } from '../../entities/record-module';
import { CampaignStatus, SmsCampaign } from '../../entities/sms-campaign.entity';
import { SmsStatus } from '../../entities/sms-message.entity';
import { SmsTemplate } from '../../entities/sms-template.entity';
import { isMysqlFamily } from '../db/data-source';
import { execute, placeholders, retryOnDeadlock, sqlDate } from '../db/sql';
import { inTransaction } from '../db/transactions';
import { orderedUuid, orderedUuidKey } from '../domain/ordered-id';
import { ACCOUNTS, moduleDefinition, variableFields } from '../domain/record-modules';
import { countSegments } from '../domain/sms-segments';
import type {
  CompiledTemplate,
  SmsTemplateEngine,
  TemplateData,
} from '../domain/sms-template-engine';
import type { Logger } from '../logger';

export interface GenerationResult {
  campaignId: string;
  generated: number;
  skipped: number;
  status: CampaignStatus;
}

export interface GeneratorOptions {
  chunkSize: number;
  leaseSeconds: number;
  maxSegments: number;
}

/** Stored numbers are E.164 already (validated at entry); the hot path only checks the shape. */
const E164 = /^\+[1-9]\d{6,14}$/;

const MESSAGE_COLUMNS = [
  'id',
  'parent_type',
  'parent_id',
  'parent_name',
  'to_number',
  'body',
  'send_date',
  'due_at',
  'status',
  'campaign_id',
  'campaign_seq',
  'template_id',
  'attempts',
  'segments',
  'encoding',
  'created_by_user_id',
  'idempotency_key',
  'is_test',
  'created_at',
  'updated_at',
];
/** Where a row of MESSAGE_COLUMNS holds its id and its number. */
const ID_COLUMN = MESSAGE_COLUMNS.indexOf('id');
const NUMBER_COLUMN = MESSAGE_COLUMNS.indexOf('to_number');
/** Rows per INSERT (and ids per UPDATE), well under SQLite's and MySQL's placeholder limits. */
const INSERT_BATCH = 500;
/**
 * mysql2 inlines the parameters into one SQL string per statement: at 500 rows that is about
 * 220 KB, over V8's largest young-generation object, so each one went to the large-object space
 * and stayed there until a major GC: peak RSS 199 MB at 300,000 recipients vs 150 MB at 100,000.
 * At 200 rows (~90 KB) they die young: 148 vs 144 MB. (A 1,000,000 run still peaks higher on
 * MariaDB, 175 MB; see bench/README.md.)
 */
const MYSQL_INSERT_BATCH = 200;

type Row = Record<string, unknown>;

/** Which fields of the records (and their accounts) a campaign's chunks load and render. */
interface RecipientShape {
  own: string[];
  account: string[];
}

/**
 * Expands campaigns in "Generate all SMS Messages" into one rendered message per recipient.
 * The template is parsed once; each chunk of recipients is rendered from plain data, checked,
 * deduplicated by number and written in one transaction together with the recipients' new
 * status — so a crash loses at most the chunk in progress, which is simply done again, and a
 * unique index on (campaign, number) makes a duplicate impossible even across workers.
 * Messages are queued as they are written, so sending starts while generation goes on.
 */
export class CampaignGenerator {
  constructor(
    private readonly dataSource: DataSource,
    private readonly engine: SmsTemplateEngine,
    private readonly options: GeneratorOptions,
    private readonly logger: Logger,
  ) {}

  /** Claims one campaign waiting for generation (or abandoned by a dead worker) and expands it. */
  async generateNext(now = new Date()): Promise<GenerationResult | null> {
    const claimed = await this.claim(now);
    if (!claimed) {
      return null;
    }
    return this.expand(claimed.campaign, claimed.token);
  }

  /** Campaigns whose every message reached a final status are completed. */
  async completeFinished(now = new Date()): Promise<number> {
    const { affected } = await execute(
      this.dataSource.manager,
      `UPDATE sms_campaigns SET status = 'completed', updated_at = ?
       WHERE status = 'in_progress' AND NOT EXISTS (
         SELECT 1 FROM sms_messages m
         WHERE m.campaign_id = sms_campaigns.id AND m.status IN ('draft', 'send_sms', 'sending'))`,
      [sqlDate(this.dataSource, now)],
    );
    return affected;
  }

  private async claim(now: Date): Promise<{ campaign: SmsCampaign; token: string } | null> {
    const ds = this.dataSource;
    const { records } = await execute(
      ds.manager,
      `SELECT id FROM sms_campaigns
       WHERE deleted_at IS NULL
         AND (status = 'generate_all' OR (status = 'generating' AND lease_until < ?))
       ORDER BY updated_at LIMIT 5`,
      [sqlDate(ds, now)],
    );
    for (const { id } of records as Array<{ id: string }>) {
      const token = randomUUID();
      const { affected } = await execute(
        ds.manager,
        `UPDATE sms_campaigns SET status = 'generating', claim_token = ?, lease_until = ?, updated_at = ?
         WHERE id = ? AND (status = 'generate_all' OR (status = 'generating' AND lease_until < ?))`,
        [token, sqlDate(ds, this.leaseEnd(now)), sqlDate(ds, now), id, sqlDate(ds, now)],
      );
      if (affected === 1) {
        const campaign = await ds.getRepository(SmsCampaign).findOneOrFail({ where: { id } });
        return { campaign, token };
      }
    }
    return null;
  }

  private leaseEnd(now: Date): Date {
    return new Date(now.getTime() + this.options.leaseSeconds * 1000);
  }

  private async expand(campaign: SmsCampaign, token: string): Promise<GenerationResult> {
    const template = campaign.template_id
      ? await this.dataSource
          .getRepository(SmsTemplate)
          .findOne({ where: { id: campaign.template_id }, withDeleted: true })
      : null;
    const compiled = template ? this.engine.compile(template.body, campaign.module) : null;
    const parsed = compiled?.ok ? compiled.template : null;
    if (!parsed) {
      this.logger.error('campaign template cannot be used; every recipient is skipped', {
        campaign_id: campaign.id,
      });
    }
    const shape = recipientShape(campaign.module, parsed);
    let generated = 0;
    let skipped = 0;
    let cursor = '';
    for (;;) {
      const chunk = await this.nextChunk(campaign, token, parsed, shape, cursor);
      if (chunk === 'lost') {
        this.logger.warn('campaign generation stopped: the campaign was cancelled or taken over', {
          campaign_id: campaign.id,
        });
        const current = await this.dataSource
          .getRepository(SmsCampaign)
          .findOneOrFail({ where: { id: campaign.id }, withDeleted: true });
        return { campaignId: campaign.id, generated, skipped, status: current.status };
      }
      if (chunk === 'done') {
        break;
      }
      generated += chunk.generated;
      skipped += chunk.skipped;
      cursor = chunk.cursor;
      // better-sqlite3 answers synchronously, so without this the whole campaign would run as
      // one chain of microtasks: no timer (the dispatch job) and no HTTP request would get a
      // turn until the last chunk, and sending could not start while generation goes on.
      await yieldToEventLoop();
    }
    const messages = await execute(
      this.dataSource.manager,
      "SELECT COUNT(*) AS n FROM sms_messages WHERE campaign_id = ? AND status IN ('draft', 'send_sms', 'sending')",
      [campaign.id],
    );
    const pending = Number(messages.records[0].n);
    const status = pending > 0 ? CampaignStatus.InProgress : CampaignStatus.Completed;
    await execute(
      this.dataSource.manager,
      `UPDATE sms_campaigns SET status = ?, claim_token = NULL, lease_until = NULL, updated_at = ?
       WHERE id = ? AND claim_token = ? AND status = 'generating'`,
      [status, sqlDate(this.dataSource, new Date()), campaign.id, token],
    );
    this.logger.info('campaign generated', { campaign_id: campaign.id, generated, skipped });
    return { campaignId: campaign.id, generated, skipped, status };
  }

  /**
   * One chunk, in its own transaction. On MySQL/MariaDB the chunk's inserts can deadlock with a
   * worker claiming due messages; the victim's transaction is rolled back whole, so the chunk
   * is simply done again (otherwise the campaign would wait for its lease to expire).
   */
  private nextChunk(
    campaign: SmsCampaign,
    token: string,
    template: CompiledTemplate | null,
    shape: RecipientShape,
    cursor: string,
  ): Promise<'lost' | 'done' | { generated: number; skipped: number; cursor: string }> {
    return retryOnDeadlock(() =>
      inTransaction(this.dataSource, (manager) =>
        this.expandChunk(manager, campaign, token, template, shape, cursor),
      ),
    );
  }

  private async expandChunk(
    manager: EntityManager,
    campaign: SmsCampaign,
    token: string,
    template: CompiledTemplate | null,
    shape: RecipientShape,
    cursor: string,
  ): Promise<'lost' | 'done' | { generated: number; skipped: number; cursor: string }> {
    const ds = this.dataSource;
    const now = new Date();
    // Renewing the lease is also the fence: a cancelled or taken-over campaign stops here.
    const fence = await execute(
      manager,
      `UPDATE sms_campaigns SET lease_until = ? WHERE id = ? AND claim_token = ? AND status = 'generating'`,
      [sqlDate(ds, this.leaseEnd(now)), campaign.id, token],
    );
    if (fence.affected !== 1) {
      return 'lost';
    }
    const rows = await this.loadRecipients(manager, campaign, shape, cursor);
    if (rows.length === 0) {
      return 'done';
    }
    const def = moduleDefinition(campaign.module);
    const skips = new Map<SkipReason, string[]>();
    const skip = (reason: SkipReason, recordId: string) => {
      const list = skips.get(reason) ?? [];
      list.push(recordId);
      skips.set(reason, list);
    };
    const seen = new Set<string>();
    const suppressed = await this.suppressedIn(manager, rows, def.phoneField);
    const values: unknown[][] = [];
    const recordOfMessage = new Map<string, string>();
    const stamp = sqlDate(ds, now);
    const sendDate = sqlDate(ds, campaign.send_date);
    for (const row of rows) {
      const recordId = row.record_id as string;
      if (row.r_id == null || row.r_deleted_at != null) {
        skip(SkipReason.RecordDeleted, recordId);
        continue;
      }
      const phone = row[`r_${def.phoneField}`] as string | null;
      if (!phone) {
        skip(SkipReason.NoPhone, recordId);
        continue;
      }
      if (!E164.test(phone)) {
        skip(SkipReason.InvalidPhone, recordId);
        continue;
      }
      if (!Number(row.r_sms_opt_in)) {
        skip(SkipReason.NotOptedIn, recordId);
        continue;
      }
      if (suppressed.has(phone)) {
        skip(SkipReason.Suppressed, recordId);
        continue;
      }
      if (seen.has(phone)) {
        skip(SkipReason.DuplicateNumber, recordId);
        continue;
      }
      if (!template) {
        skip(SkipReason.RenderFailed, recordId);
        continue;
      }
      let text: string;
      try {
        text = this.engine.render(template, templateData(campaign.module, shape, row));
      } catch {
        skip(SkipReason.RenderFailed, recordId);
        continue;
      }
      const count = countSegments(text);
      if (count.segments === 0 || count.segments > this.options.maxSegments) {
        skip(count.segments === 0 ? SkipReason.RenderFailed : SkipReason.TooLong, recordId);
        continue;
      }
      seen.add(phone);
      // Time-ordered: the rows of a chunk go to the end of the primary key (see ordered-id.ts).
      const id = orderedUuid();
      recordOfMessage.set(id, recordId);
      values.push([
        id,
        campaign.module,
        recordId,
        displayName(campaign.module, row),
        phone,
        text,
        sendDate,
        sendDate,
        SmsStatus.SendSms,
        campaign.id,
        campaign.seq,
        campaign.template_id,
        0,
        count.segments,
        count.encoding,
        campaign.created_by_user_id,
        orderedUuidKey(id),
        0,
        stamp,
        stamp,
      ]);
    }
    const inserted = await this.insertMessages(manager, campaign.seq, values);
    const generatedIds: string[] = [];
    for (const [messageId, recordId] of recordOfMessage) {
      if (inserted.has(messageId)) {
        generatedIds.push(recordId);
      } else {
        // The number already has a message in this campaign (from an earlier chunk).
        skip(SkipReason.DuplicateNumber, recordId);
      }
    }
    let skippedCount = 0;
    for (const [reason, ids] of skips) {
      skippedCount += ids.length;
      await this.markRecipients(manager, campaign.id, RecipientStatus.Skipped, reason, ids, stamp);
    }
    const last = rows[rows.length - 1].record_id as string;
    await this.markGenerated(manager, campaign.id, cursor, last, generatedIds.length, stamp);
    return { generated: generatedIds.length, skipped: skippedCount, cursor: last };
  }

  private async loadRecipients(
    manager: EntityManager,
    campaign: SmsCampaign,
    shape: RecipientShape,
    cursor: string,
  ): Promise<Row[]> {
    const def = moduleDefinition(campaign.module);
    const own = [
      'id',
      'deleted_at',
      'sms_opt_in',
      ...new Set([def.phoneField, ...DISPLAY_NAME_FIELDS[campaign.module], ...shape.own]),
    ];
    const columns = own.map((c) => `r.${c} AS r_${c}`);
    let join = '';
    if (shape.account.length > 0) {
      columns.push(...shape.account.map((name) => `a.${name} AS a_${name}`));
      join = 'LEFT JOIN accounts a ON a.id = r.account_id AND a.deleted_at IS NULL';
    }
    // Keyset pagination on the primary key: each chunk is an index range, whatever the size.
    const { records } = await execute(
      manager,
      `SELECT cr.record_id, ${columns.join(', ')}
       FROM sms_campaign_recipients cr
       LEFT JOIN ${def.module} r ON r.id = cr.record_id
       ${join}
       WHERE cr.campaign_id = ? AND cr.record_id > ? AND cr.status = 'pending'
       ORDER BY cr.record_id
       LIMIT ?`,
      [campaign.id, cursor, this.options.chunkSize],
    );
    return records as Row[];
  }

  /** Suppressed numbers of the chunk, in one query. */
  private async suppressedIn(
    manager: EntityManager,
    rows: Row[],
    phoneField: string,
  ): Promise<Set<string>> {
    const phones = rows.map((row) => row[`r_${phoneField}`]).filter(Boolean) as string[];
    if (phones.length === 0) {
      return new Set();
    }
    const { records } = await execute(
      manager,
      `SELECT phone FROM sms_suppressions WHERE phone IN (${placeholders(phones.length)})`,
      phones,
    );
    return new Set(records.map((r: { phone: string }) => r.phone));
  }

  /**
   * Inserts the rows, skipping any whose number already has a message in the campaign.
   *
   * Both engines get an IGNORE form. On SQLite that is also what keeps the statement cheap: a
   * multi-row INSERT inside a transaction that could abort half-way (ON CONFLICT DO NOTHING
   * still aborts on, say, a NOT NULL) makes SQLite copy every page it touches to a statement
   * journal first — 13% of the generator's time at 1,000,000 recipients (perf, bench/README.md).
   * OR IGNORE cannot abort, so no journal; the price is that it would skip a bad row silently,
   * so every row left out is checked to be a number the campaign already has, or the chunk is
   * rolled back.
   */
  private async insertMessages(
    manager: EntityManager,
    campaignSeq: number,
    values: unknown[][],
  ): Promise<Set<string>> {
    const inserted = new Set<string>();
    const mysql = isMysqlFamily(this.dataSource);
    const row = `(${placeholders(MESSAGE_COLUMNS.length)})`;
    const size = mysql ? MYSQL_INSERT_BATCH : INSERT_BATCH;
    const into = `INTO sms_messages (${MESSAGE_COLUMNS.join(', ')}) VALUES`;
    for (let i = 0; i < values.length; i += size) {
      const batch = values.slice(i, i + size);
      const rows = new Array(batch.length).fill(row).join(', ');
      const sql = mysql ? `INSERT IGNORE ${into} ${rows}` : `INSERT OR IGNORE ${into} ${rows}`;
      // A plain loop: Array.prototype.flat took 7% of the generator's time (perf).
      const parameters: unknown[] = [];
      for (const value of batch) {
        for (const field of value) {
          parameters.push(field);
        }
      }
      const { affected, warnings } = await execute(manager, sql, parameters);
      // IGNORE also turns other errors (a value too long, say) into warnings, one per row; a
      // duplicate is one warning too. Anything else rolls the chunk back rather than store it.
      if (mysql && warnings !== batch.length - affected) {
        throw new Error(
          `inserting campaign messages: MariaDB/MySQL reported ${warnings} warnings for ${batch.length - affected} duplicate numbers; the chunk was rolled back`,
        );
      }
      const ids = batch.map((v) => v[ID_COLUMN] as string);
      if (affected === batch.length) {
        ids.forEach((id) => inserted.add(id));
        continue;
      }
      const { records } = await execute(
        manager,
        `SELECT id FROM sms_messages WHERE id IN (${placeholders(ids.length)})`,
        ids,
      );
      for (const r of records as Array<{ id: string }>) {
        inserted.add(r.id);
      }
      await this.checkLeftOut(manager, campaignSeq, batch, inserted);
    }
    return inserted;
  }

  /** Rows an IGNORE left out must be numbers the campaign already has (a chunk's are distinct). */
  private async checkLeftOut(
    manager: EntityManager,
    campaignSeq: number,
    batch: unknown[][],
    inserted: Set<string>,
  ): Promise<void> {
    const numbers = batch
      .filter((v) => !inserted.has(v[ID_COLUMN] as string))
      .map((v) => v[NUMBER_COLUMN] as string);
    const { records } = await execute(
      manager,
      `SELECT to_number FROM sms_messages WHERE campaign_seq = ? AND to_number IN (${placeholders(numbers.length)})`,
      [campaignSeq, ...numbers],
    );
    if (records.length !== numbers.length) {
      throw new Error(
        `inserting campaign messages: ${numbers.length - records.length} rows were refused for another reason than a duplicate number; the chunk was rolled back`,
      );
    }
  }

  /**
   * The chunk's other recipients, once its skips are marked: every recipient still pending in
   * (cursor, last] was read by the chunk (nothing is added outside draft), so one range UPDATE
   * does what an IN list of 1,000 ids did. Fewer rows than expected would mean the range holds
   * someone the chunk did not see: the chunk is rolled back rather than mark them.
   */
  private async markGenerated(
    manager: EntityManager,
    campaignId: string,
    cursor: string,
    last: string,
    expected: number,
    stamp: Date | string,
  ): Promise<void> {
    const { affected } = await execute(
      manager,
      `UPDATE sms_campaign_recipients SET status = ?, updated_at = ?
       WHERE campaign_id = ? AND record_id > ? AND record_id <= ? AND status = ?`,
      [RecipientStatus.Generated, stamp, campaignId, cursor, last, RecipientStatus.Pending],
    );
    if (affected !== expected) {
      throw new Error(
        `campaign ${campaignId}: ${affected} pending recipients in the chunk's range, ${expected} expected; the chunk was rolled back`,
      );
    }
  }

  private async markRecipients(
    manager: EntityManager,
    campaignId: string,
    status: RecipientStatus,
    reason: SkipReason | null,
    recordIds: string[],
    stamp: Date | string,
  ): Promise<void> {
    for (let i = 0; i < recordIds.length; i += INSERT_BATCH) {
      const ids = recordIds.slice(i, i + INSERT_BATCH);
      await execute(
        manager,
        `UPDATE sms_campaign_recipients SET status = ?, skip_reason = ?, updated_at = ?
         WHERE campaign_id = ? AND record_id IN (${placeholders(ids.length)})`,
        [status, reason, stamp, campaignId, ...ids],
      );
    }
  }
}

/** Fields every chunk loads to name the message's record (see displayName). */
const DISPLAY_NAME_FIELDS: Record<RecordModule, string[]> = {
  [RecordModule.Contacts]: ['first_name', 'last_name'],
  [RecordModule.Accounts]: ['name'],
};

/**
 * Only the fields the template reads are loaded and copied: a template using three of the
 * thirteen variables of a contact reads three columns per recipient, and no account at all
 * when it names none of the account's fields.
 */
function recipientShape(module: RecordModule, template: CompiledTemplate | null): RecipientShape {
  const used = new Set(template?.variables ?? []);
  const def = moduleDefinition(module);
  return {
    own: variableFields(def)
      .map((f) => f.name)
      .filter((name) => used.has(`${def.variableRoot}.${name}`)),
    account:
      module === RecordModule.Contacts
        ? variableFields(ACCOUNTS)
            .map((f) => f.name)
            .filter((name) => used.has(`account.${name}`))
        : [],
  };
}

/** Plain template data straight from the joined row: allow-listed string fields only. */
function templateData(module: RecordModule, shape: RecipientShape, row: Row): TemplateData {
  const def = moduleDefinition(module);
  const own: Record<string, string> = {};
  for (const name of shape.own) {
    const value = row[`r_${name}`];
    own[name] = value == null ? '' : String(value);
  }
  const data: TemplateData = { [def.variableRoot]: own };
  if (module === RecordModule.Contacts) {
    const account: Record<string, string> = {};
    for (const name of shape.account) {
      const value = row[`a_${name}`];
      account[name] = value == null ? '' : String(value);
    }
    data.account = account;
  }
  return data;
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function displayName(module: RecordModule, row: Row): string {
  if (module === RecordModule.Contacts) {
    return [row.r_first_name, row.r_last_name].filter(Boolean).join(' ').slice(0, 255);
  }
  return String(row.r_name ?? '').slice(0, 255);
}
