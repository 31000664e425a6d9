import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { newId } from '../../entities/columns';
import { RecordModule } from '../../entities/record-module';
import { SmsMessage, SmsStatus } from '../../entities/sms-message.entity';
import { normalizePhone } from '../domain/phone-number';
import { countSegments } from '../domain/sms-segments';
import { DomainError, ErrorCode, fieldError } from '../errors/domain-error';
import type { ConsentService } from './consent/consent.service';
import type { MessageDispatcher } from './dispatch/message-dispatcher';
import { sleepUntil } from './dispatch/rate-limiter';
import type { CrmRecord, RecordService } from './record.service';
import type { SmsComposer } from './sms-composer.service';
import type { SmsTemplateService } from './sms-template.service';

export interface TestSendInput {
  to: string;
  body?: string;
  template_id?: string;
  module?: RecordModule;
  record_id?: string;
}

/**
 * "Send as test": sends at once to a number typed by a marketer or admin, through the same
 * gateway, rate limit and outcome recording as the scheduler, with no retries. The message is
 * kept in the log, marked as a test.
 */
export class TestSendService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly composer: SmsComposer,
    private readonly templates: SmsTemplateService,
    private readonly records: (module: RecordModule) => RecordService<CrmRecord>,
    private readonly dispatcher: MessageDispatcher,
    private readonly maxSegments: number,
    private readonly leaseSeconds: number,
    private readonly consent: ConsentService,
  ) {}

  async send(input: TestSendInput, userId: string | null): Promise<SmsMessage> {
    const phone = normalizePhone(input.to);
    if (!phone.ok) {
      throw fieldError('to', phone.reason);
    }
    const suppressed = await this.consent.suppression(phone.e164);
    if (suppressed) {
      throw new DomainError(
        ErrorCode.Suppressed,
        `${phone.e164} opted out of SMS (${suppressed.reason}); even a test is not sent to it`,
        [{ field: 'to', message: `${phone.e164} is on the suppression list` }],
      );
    }
    const module = await this.moduleOf(input);
    let record: CrmRecord | null = null;
    if (input.record_id !== undefined) {
      record = await this.records(module).find(input.record_id);
      if (!record) {
        throw fieldError('record_id', `${module} record '${input.record_id}' does not exist`);
      }
    }
    const composed = await this.composer.compose(module, record, input);
    if (composed.count.segments > this.maxSegments) {
      throw fieldError(
        'body',
        `the message needs ${composed.count.segments} SMS segments; the maximum is ${this.maxSegments} (SMS_MAX_SEGMENTS)`,
      );
    }
    const now = new Date();
    const id = newId();
    const message = this.dataSource.getRepository(SmsMessage).create({
      id,
      parent_type: record ? module : null,
      parent_id: record?.id ?? null,
      parent_name: record ? this.records(module).displayName(record).slice(0, 255) : null,
      to_number: phone.e164,
      body: composed.text,
      send_date: now,
      due_at: now,
      // Claimed by this request from the start: the scheduler never picks it up.
      status: SmsStatus.Sending,
      claim_token: randomUUID(),
      lease_until: new Date(now.getTime() + this.leaseSeconds * 1000),
      idempotency_key: id.replace(/-/g, '').slice(0, 20),
      is_test: true,
      campaign_id: null,
      template_id: composed.template_id,
      provider: null,
      provider_message_id: null,
      error_code: null,
      error_message: null,
      attempts: 1,
      sent_at: null,
      segments: composed.count.segments,
      encoding: composed.count.encoding,
      created_by_user_id: userId,
      created_at: now,
      updated_at: now,
    });
    await this.dataSource.getRepository(SmsMessage).insert(message);
    const [slot] = await this.dispatcher.limiter.reserve(1);
    await sleepUntil(slot);
    await this.dispatcher.send(message, { retries: false });
    return this.dataSource.getRepository(SmsMessage).findOneOrFail({ where: { id } });
  }

  /**
   * An automatic answer to the person who wrote (the HELP text): sent at once, even to a number
   * that opted out — it was asked for, and it carries no marketing.
   */
  async sendReply(to: string, body: string): Promise<SmsMessage> {
    const count = countSegments(body);
    const now = new Date();
    const id = newId();
    const message = this.dataSource.getRepository(SmsMessage).create({
      id,
      parent_type: null,
      parent_id: null,
      parent_name: null,
      to_number: to,
      body,
      send_date: now,
      due_at: now,
      status: SmsStatus.Sending,
      claim_token: randomUUID(),
      lease_until: new Date(now.getTime() + this.leaseSeconds * 1000),
      idempotency_key: id.replace(/-/g, '').slice(0, 20),
      is_test: false,
      campaign_id: null,
      template_id: null,
      provider: null,
      provider_message_id: null,
      error_code: null,
      error_message: null,
      attempts: 1,
      sent_at: null,
      segments: count.segments,
      encoding: count.encoding,
      created_by_user_id: null,
      created_at: now,
      updated_at: now,
    });
    await this.dataSource.getRepository(SmsMessage).insert(message);
    await this.dispatcher.send(message, { retries: false });
    return this.dataSource.getRepository(SmsMessage).findOneOrFail({ where: { id } });
  }

  private async moduleOf(input: TestSendInput): Promise<RecordModule> {
    if (input.template_id !== undefined) {
      const template = await this.templates.get(input.template_id).catch(() => {
        throw fieldError('template_id', `SMS template '${input.template_id}' does not exist`);
      });
      if (input.module !== undefined && input.module !== template.module) {
        throw fieldError('module', `the template is for ${template.module}, not ${input.module}`);
      }
      return template.module;
    }
    if (input.record_id !== undefined && input.module === undefined) {
      throw fieldError('module', 'is required with record_id (contacts or accounts)');
    }
    return input.module ?? RecordModule.Contacts;
  }
}
