/**
 * Bench data written straight through the driver in multi-row INSERTs (never through the API):
 * accounts, opted-in contacts with distinct E.164 mobiles, a template, campaigns whose
 * recipients come from one INSERT ... SELECT, and due messages for the dispatch phases.
 */
import { randomUUID } from 'node:crypto';
import { orderedUuid } from '../../src/domain/ordered-id';
import type { RawDatabase } from './raw-database';
import { sqlStamp } from './raw-database';

/** Three variables, one of them through the contact's account (the generator's LEFT JOIN). */
export const BENCH_TEMPLATE =
  'Hi {{ contact.first_name }} {{ contact.last_name }}, your {{ account.name }} offer is ready. Reply STOP to opt out.';

const ACCOUNTS = 1_000;
/** Rows per transaction while seeding. */
const SEED_TRANSACTION = 20_000;

const CONTACT_COLUMNS = [
  'id',
  'first_name',
  'last_name',
  'title',
  'email',
  'phone_mobile',
  'sms_opt_in',
  'account_id',
  'primary_address_city',
  'primary_address_country',
  'lead_source',
  'created_at',
  'updated_at',
] as const;

const ACCOUNT_COLUMNS = [
  'id',
  'name',
  'phone_office',
  'sms_opt_in',
  'account_type',
  'industry',
  'billing_address_city',
  'billing_address_country',
  'created_at',
  'updated_at',
] as const;

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
  'segments',
  'encoding',
  'idempotency_key',
  'created_at',
  'updated_at',
] as const;

/** The mobile of the i-th seeded contact: +336 and eight digits, distinct for i < 10^8. */
export function benchMobile(i: number): string {
  return `+336${String(i).padStart(8, '0')}`;
}

/**
 * 0..count-1 in a shuffled order (Fisher–Yates, fixed seed: every run seeds the same data).
 * Contacts get time-ordered ids as the app gives them, so their numbers must not follow the
 * same order: in a real CRM the order of creation says nothing about the number, and numbers
 * in id order would make the unique (campaign, number) index an append.
 */
function shuffledIndexes(count: number): Uint32Array {
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    order[i] = i;
  }
  let state = 0x9e3779b9;
  const next = () => {
    // xorshift32
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
  for (let i = count - 1; i > 0; i--) {
    const j = next() % (i + 1);
    const swap = order[i];
    order[i] = order[j];
    order[j] = swap;
  }
  return order;
}

export interface SeedReport {
  contacts: number;
  seconds: number;
  rowsPerSecond: number;
}

/**
 * `count` opted-in contacts spread over 1,000 accounts, with ids made the way the app makes
 * them (time-ordered, src/services/record.service.ts) and numbers in no particular order.
 */
export async function seedRecords(raw: RawDatabase, count: number): Promise<SeedReport> {
  const started = performance.now();
  const mobiles = shuffledIndexes(count);
  const stamp = sqlStamp(Date.now());
  const accountIds: string[] = [];
  const accounts: unknown[][] = [];
  for (let i = 0; i < ACCOUNTS; i++) {
    const id = randomUUID();
    accountIds.push(id);
    accounts.push([
      id,
      `Company ${i}`,
      `+3314${String(i).padStart(7, '0')}`,
      1,
      'Customer',
      'Retail',
      'Paris',
      'France',
      stamp,
      stamp,
    ]);
  }
  await raw.begin();
  await raw.insertRows('accounts', ACCOUNT_COLUMNS, accounts);
  await raw.commit();
  for (let start = 0; start < count; start += SEED_TRANSACTION) {
    const rows: unknown[][] = [];
    for (let i = start; i < Math.min(count, start + SEED_TRANSACTION); i++) {
      rows.push([
        orderedUuid(),
        `First${i}`,
        `Last${i}`,
        null,
        `person${i}@example.com`,
        benchMobile(mobiles[i]),
        1,
        accountIds[i % ACCOUNTS],
        'Lyon',
        'France',
        'Web',
        stamp,
        stamp,
      ]);
    }
    await raw.begin();
    await raw.insertRows('contacts', CONTACT_COLUMNS, rows);
    await raw.commit();
  }
  const seconds = (performance.now() - started) / 1000;
  return { contacts: count, seconds, rowsPerSecond: (count + ACCOUNTS) / seconds };
}

export async function createTemplate(raw: RawDatabase, body = BENCH_TEMPLATE): Promise<string> {
  const id = randomUUID();
  const stamp = sqlStamp(Date.now());
  await raw.run(
    `INSERT INTO sms_templates (id, name, module, body, created_at, updated_at)
     VALUES (?, ?, 'contacts', ?, ?, ?)`,
    [id, `Bench ${id.slice(0, 8)}`, body, stamp, stamp],
  );
  return id;
}

export interface NewBenchCampaign {
  templateId: string;
  recipients: number;
  status: 'draft' | 'generate_all';
  sendDate: Date;
}

/** A campaign over the first `recipients` contacts (by id), added with one INSERT ... SELECT. */
export async function createCampaign(
  raw: RawDatabase,
  campaign: NewBenchCampaign,
): Promise<{ id: string; seconds: number }> {
  const started = performance.now();
  const id = randomUUID();
  const stamp = sqlStamp(Date.now());
  // The campaign's integer key from the app's counter (src/db/sequences.ts); the bench is alone.
  await raw.run("UPDATE sms_sequences SET value = value + 1 WHERE name = 'sms_campaigns'");
  const [{ value: seq }] = await raw.all<{ value: number }>(
    "SELECT value FROM sms_sequences WHERE name = 'sms_campaigns'",
  );
  await raw.run(
    `INSERT INTO sms_campaigns (id, seq, name, send_date, module, template_id, status, created_at, updated_at)
     VALUES (?, ?, ?, ?, 'contacts', ?, ?, ?, ?)`,
    [
      id,
      seq,
      `Bench ${campaign.recipients}`,
      sqlStamp(campaign.sendDate),
      campaign.templateId,
      campaign.status,
      stamp,
      stamp,
    ],
  );
  await raw.run(
    `INSERT INTO sms_campaign_recipients (campaign_id, record_id, status, created_at, updated_at)
     SELECT ?, id, 'pending', ?, ? FROM contacts WHERE deleted_at IS NULL ORDER BY id LIMIT ?`,
    [id, stamp, stamp, campaign.recipients],
  );
  return { id, seconds: (performance.now() - started) / 1000 };
}

export interface BenchTarget {
  id: string;
  phone: string;
  name: string;
}

/** The first `count` contacts (by id): opted in, with distinct numbers. */
export async function pickContacts(raw: RawDatabase, count: number): Promise<BenchTarget[]> {
  const rows = await raw.all<{ id: string; phone_mobile: string; first_name: string }>(
    'SELECT id, phone_mobile, first_name FROM contacts ORDER BY id LIMIT ?',
    [count],
  );
  return rows.map((r) => ({ id: r.id, phone: r.phone_mobile, name: r.first_name }));
}

/** One 'Send SMS' message per target, due at `dueAt(i)` (epoch ms). */
export async function queueMessages(
  raw: RawDatabase,
  targets: BenchTarget[],
  dueAt: (index: number) => number,
): Promise<void> {
  const stamp = sqlStamp(Date.now());
  const rows = targets.map((target, i) => {
    const id = randomUUID();
    const due = sqlStamp(dueAt(i));
    return [
      id,
      'contacts',
      target.id,
      target.name,
      target.phone,
      `Hi ${target.name}, your offer is ready. Reply STOP to opt out.`,
      due,
      due,
      'send_sms',
      1,
      'GSM-7',
      id.replace(/-/g, '').slice(0, 20),
      stamp,
      stamp,
    ];
  });
  await raw.begin();
  await raw.insertRows('sms_messages', MESSAGE_COLUMNS, rows);
  await raw.commit();
}

/** Forgets every message and the shared rate-limit clock, so phases do not see each other. */
export async function resetSending(raw: RawDatabase): Promise<void> {
  await raw.truncate('sms_messages');
  await raw.run('DELETE FROM sms_rate_limits');
}

export async function countMessages(raw: RawDatabase, status?: string): Promise<number> {
  const rows = await raw.all<{ n: number | string }>(
    `SELECT COUNT(*) AS n FROM sms_messages${status ? ' WHERE status = ?' : ''}`,
    status ? [status] : [],
  );
  return Number(rows[0].n);
}
