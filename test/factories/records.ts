import { randomBytes } from 'node:crypto';
import type { Json, TestApp } from '../support/test-app';

let counter = 0;

/** A valid French mobile number, unique within the run. */
export function uniqueMobile(): string {
  counter += 1;
  const n = (Number.parseInt(randomBytes(3).toString('hex'), 16) + counter) % 100_000_000;
  return `+336${String(n).padStart(8, '0')}`;
}

export async function createContact(
  app: TestApp,
  fields: Record<string, unknown> = {},
): Promise<Json> {
  const res = await app.post('/api/contacts', {
    first_name: 'Ada',
    last_name: 'Lovelace',
    phone_mobile: uniqueMobile(),
    sms_opt_in: true,
    ...fields,
  });
  if (res.status !== 201) {
    throw new Error(`createContact: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return res.body;
}

export async function createAccount(
  app: TestApp,
  fields: Record<string, unknown> = {},
): Promise<Json> {
  const res = await app.post('/api/accounts', {
    name: 'Acme SARL',
    phone_office: uniqueMobile(),
    sms_opt_in: true,
    ...fields,
  });
  if (res.status !== 201) {
    throw new Error(`createAccount: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return res.body;
}

export async function createTemplate(
  app: TestApp,
  fields: Record<string, unknown> = {},
): Promise<Json> {
  const res = await app.post('/api/sms-templates', {
    name: 'Greeting',
    module: 'contacts',
    body: 'Hello {{ contact.first_name }}',
    ...fields,
  });
  if (res.status !== 201) {
    throw new Error(`createTemplate: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return res.body;
}
