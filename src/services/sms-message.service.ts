import type { DataSource } from 'typeorm';
import { In } from 'typeorm';
import { newId } from '../../entities/columns';
import type { RecordModule } from '../../entities/record-module';
import { EDITABLE_SMS_STATUSES, SmsMessage, SmsStatus } from '../../entities/sms-message.entity';
import { conflict, DomainError, ErrorCode, fieldError, notFound } from '../errors/domain-error';
import { offsetOf } from './pagination';
import type { Page, PageRequest } from './pagination';
import type { CrmRecord, RecordService } from './record.service';
import type { ConsentService } from './consent/consent.service';
import type { SmsComposer } from './sms-composer.service';

export interface NewRecordMessage {
  body?: string;
  template_id?: string;
  send_date?: Date;
  status: SmsStatus.Draft | SmsStatus.SendSms;
}

export interface MessageChanges {
  body?: string;
  send_date?: Date;
  status?: SmsStatus;
}

export interface MessageFilter {
  status?: SmsStatus[];
  campaign_id?: string;
  parent_type?: RecordModule;
  parent_id?: string;
  number?: string;
  from?: Date;
  to?: Date;
}

/** Target statuses a person may set on a message through PATCH. */
const SETTABLE_STATUSES: readonly SmsStatus[] = [
  SmsStatus.Draft,
  SmsStatus.SendSms,
  SmsStatus.Cancelled,
];

export class SmsMessageService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly composer: SmsComposer,
    private readonly maxSegments: number,
    private readonly consent: ConsentService,
  ) {}

  private get repo() {
    return this.dataSource.getRepository(SmsMessage);
  }

  /** A single message from a contact or account record; the number is copied from the record. */
  async createForRecord<T extends CrmRecord>(
    records: RecordService<T>,
    recordId: string,
    input: NewRecordMessage,
    userId: string | null,
  ): Promise<SmsMessage> {
    const record = await records.get(recordId);
    const reach = records.reachability(record);
    if (!reach.ok) {
      const code = reach.code === 'no_phone' ? ErrorCode.NoPhone : ErrorCode.NotOptedIn;
      throw new DomainError(code, reach.reason, [
        {
          field: reach.code === 'no_phone' ? records.def.phoneField : 'sms_opt_in',
          message: reach.reason,
        },
      ]);
    }
    const suppressed = await this.consent.suppression(reach.number);
    if (suppressed) {
      throw new DomainError(
        ErrorCode.Suppressed,
        `${reach.number} opted out of SMS (${suppressed.reason}); it can opt back in by replying START`,
        [{ field: records.def.phoneField, message: `${reach.number} is on the suppression list` }],
      );
    }
    const composed = await this.composer.compose(records.def.module, record, input);
    this.checkLength(composed.count.segments, 'body');
    const now = new Date();
    const id = newId();
    const message = this.repo.create({
      id,
      parent_type: records.def.module,
      parent_id: record.id,
      parent_name: records.displayName(record).slice(0, 255),
      to_number: reach.number,
      body: composed.text,
      send_date: input.send_date ?? now,
      due_at: input.send_date ?? now,
      lease_until: null,
      claim_token: null,
      idempotency_key: id.replace(/-/g, '').slice(0, 20),
      is_test: false,
      status: input.status,
      campaign_id: null,
      template_id: composed.template_id,
      provider: null,
      provider_message_id: null,
      error_code: null,
      error_message: null,
      attempts: 0,
      sent_at: null,
      segments: composed.count.segments,
      encoding: composed.count.encoding,
      created_by_user_id: userId,
      created_at: now,
      updated_at: now,
    });
    await this.repo.insert(message);
    return this.get(message.id);
  }

  async get(id: string): Promise<SmsMessage> {
    const message = await this.repo.findOne({ where: { id } });
    if (!message) {
      throw notFound('SMS message', id);
    }
    return message;
  }

  /** History, newest first. The period filters on the send date. */
  async list(filter: MessageFilter, page: PageRequest): Promise<Page<SmsMessage>> {
    const query = this.repo.createQueryBuilder('m');
    if (filter.status && filter.status.length > 0) {
      query.andWhere('m.status IN (:...status)', { status: filter.status });
    }
    if (filter.campaign_id) {
      query.andWhere('m.campaign_id = :campaignId', { campaignId: filter.campaign_id });
    }
    if (filter.parent_type) {
      query.andWhere('m.parent_type = :parentType', { parentType: filter.parent_type });
    }
    if (filter.parent_id) {
      query.andWhere('m.parent_id = :parentId', { parentId: filter.parent_id });
    }
    if (filter.number) {
      query.andWhere('m.to_number = :number', { number: filter.number });
    }
    if (filter.from) {
      query.andWhere('m.send_date >= :from', { from: filter.from });
    }
    if (filter.to) {
      query.andWhere('m.send_date <= :to', { to: filter.to });
    }
    const [data, total] = await query
      .orderBy('m.created_at', 'DESC')
      .addOrderBy('m.id', 'DESC')
      .skip(offsetOf(page))
      .take(page.per_page)
      .getManyAndCount();
    return { data, total, ...page };
  }

  /**
   * Edits a message that has not left yet. The update is conditional on the status it was read
   * in, so a scheduler claiming the message at the same moment wins cleanly: the edit gets 409.
   */
  async update(
    id: string,
    changes: MessageChanges,
    records: (module: RecordModule) => RecordService<CrmRecord>,
  ): Promise<SmsMessage> {
    const message = await this.get(id);
    if (!EDITABLE_SMS_STATUSES.includes(message.status)) {
      throw conflict(
        `SMS message '${id}' is ${message.status}; only draft or send_sms messages can be changed`,
      );
    }
    if (changes.status !== undefined && !SETTABLE_STATUSES.includes(changes.status)) {
      throw conflict(
        `status cannot be set to '${changes.status}'; use draft, send_sms or cancelled (the scheduler sets the others)`,
      );
    }
    const values: Partial<SmsMessage> = { updated_at: new Date() };
    if (changes.body !== undefined) {
      if (!message.parent_type || !message.parent_id) {
        throw conflict(`SMS message '${id}' has no record to render its body for`);
      }
      const service = records(message.parent_type);
      const record = await service.find(message.parent_id);
      if (!record) {
        throw conflict(`the ${message.parent_type} record of this message was deleted`);
      }
      const composed = await this.composer.compose(message.parent_type, record, {
        body: changes.body,
      });
      this.checkLength(composed.count.segments, 'body');
      values.body = composed.text;
      values.segments = composed.count.segments;
      values.encoding = composed.count.encoding;
    }
    if (changes.send_date !== undefined) {
      values.send_date = changes.send_date;
      values.due_at = changes.send_date;
    }
    if (changes.status !== undefined) {
      values.status = changes.status;
    }
    const result = await this.repo.update({ id, status: In([...EDITABLE_SMS_STATUSES]) }, values);
    if (!result.affected) {
      throw conflict(`SMS message '${id}' changed status while it was being edited; reload it`);
    }
    return this.get(id);
  }

  /**
   * Deletes a message that never left: a draft, or one that was cancelled. Anything that reached
   * a gateway stays in the history.
   */
  async remove(id: string): Promise<void> {
    const message = await this.get(id);
    const result = await this.repo.delete({
      id,
      status: In([SmsStatus.Draft, SmsStatus.Cancelled]),
    });
    if (!result.affected) {
      throw conflict(
        `SMS message '${id}' is ${message.status}; only draft or cancelled messages can be deleted (the history of sent messages is kept)`,
      );
    }
  }

  private checkLength(segments: number, field: string): void {
    if (segments > this.maxSegments) {
      throw fieldError(
        field,
        `the message needs ${segments} SMS segments; the maximum is ${this.maxSegments} (SMS_MAX_SEGMENTS)`,
      );
    }
  }
}
