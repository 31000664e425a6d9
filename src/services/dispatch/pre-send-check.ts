import type { DataSource } from 'typeorm';
import { In } from 'typeorm';
import { Account } from '../../../entities/account.entity';
import { Contact } from '../../../entities/contact.entity';
import { RecordModule } from '../../../entities/record-module';
import type { SmsMessage } from '../../../entities/sms-message.entity';
import { moduleDefinition } from '../../domain/record-modules';
import type { ConsentService } from '../consent/consent.service';

export interface Refusal {
  code:
    | 'record_deleted'
    | 'no_phone'
    | 'not_opted_in'
    | 'number_changed'
    | 'invalid_phone'
    | 'suppressed';
  reason: string;
}

const E164 = /^\+[1-9]\d{6,14}$/;

/**
 * The rules checked again at send time, because time passed since the message was queued: the
 * record must still exist, still have this number and still be opted in. A number that changed
 * is not used: the new owner of the old number never consented.
 */
export interface PreSendCheck {
  refusals: Map<string, Refusal>;
  /** The record's address country per message, for the recipient's local time. */
  countries: Map<string, string | null>;
}

export async function checkBeforeSending(
  dataSource: DataSource,
  consent: ConsentService,
  messages: SmsMessage[],
): Promise<PreSendCheck> {
  const refusals = new Map<string, Refusal>();
  const countries = new Map<string, string | null>();
  const suppressed = await consent.suppressedAmong(messages.map((m) => m.to_number));
  const records = new Map<string, Contact | Account>();
  for (const module of [RecordModule.Contacts, RecordModule.Accounts]) {
    const ids = messages.filter((m) => m.parent_type === module).map((m) => m.parent_id as string);
    if (ids.length === 0) {
      continue;
    }
    const entity = module === RecordModule.Contacts ? Contact : Account;
    const found = await dataSource
      .getRepository<Contact | Account>(entity)
      .find({ where: { id: In([...new Set(ids)]) } });
    found.forEach((record) => records.set(`${module}:${record.id}`, record));
  }
  for (const message of messages) {
    if (!E164.test(message.to_number)) {
      refusals.set(message.id, {
        code: 'invalid_phone',
        reason: `'${message.to_number}' is not an E.164 number`,
      });
      continue;
    }
    if (suppressed.has(message.to_number)) {
      refusals.set(message.id, {
        code: 'suppressed',
        reason: `${message.to_number} opted out of SMS after the message was queued (suppression list)`,
      });
      continue;
    }
    if (message.is_test || !message.parent_type || !message.parent_id) {
      continue;
    }
    const def = moduleDefinition(message.parent_type);
    const record = records.get(`${message.parent_type}:${message.parent_id}`);
    if (!record) {
      refusals.set(message.id, {
        code: 'record_deleted',
        reason: `the ${def.label.toLowerCase()} was deleted after the message was queued`,
      });
      continue;
    }
    const fields = record as unknown as Record<string, string | null>;
    countries.set(
      message.id,
      fields.primary_address_country ?? fields.billing_address_country ?? null,
    );
    const phone = fields[def.phoneField];
    if (!phone) {
      refusals.set(message.id, {
        code: 'no_phone',
        reason: `the ${def.label.toLowerCase()} no longer has a ${def.phoneLabel}`,
      });
    } else if (!record.sms_opt_in) {
      refusals.set(message.id, {
        code: 'not_opted_in',
        reason: `the ${def.label.toLowerCase()} opted out of SMS after the message was queued`,
      });
    } else if (phone !== message.to_number) {
      refusals.set(message.id, {
        code: 'number_changed',
        reason: `the ${def.label.toLowerCase()}'s ${def.phoneLabel} changed to ${phone} after the message was queued`,
      });
    }
  }
  return { refusals, countries };
}
