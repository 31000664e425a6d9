import { ConsentSource } from '../../entities/consent-log-entry.entity';
import { Contact } from '../../entities/contact.entity';
import { RecordModule } from '../../entities/record-module';
import type { Services } from '../services';

const DEMO_MARKER = 'demo@crm-sms.example';

/** Demo records come in like an import: their consent is logged as such. */
const IMPORT = { source: ConsentSource.Import, userId: null, detail: 'npm run seed:demo' };

const ACCOUNTS = [
  {
    name: 'Boulangerie Dupont',
    phone_office: '+33 6 10 20 30 40',
    city: 'Lyon',
    country: 'France',
    industry: 'Retail',
  },
  {
    name: 'Acme Ltd',
    phone_office: '+44 7911 123457',
    city: 'London',
    country: 'United Kingdom',
    industry: 'Manufacturing',
  },
  {
    name: 'Globex Corp',
    phone_office: '+1 415 555 2671',
    city: 'San Francisco',
    country: 'United States',
    industry: 'Technology',
  },
];

const CONTACTS = [
  {
    first_name: 'Camille',
    last_name: 'Martin',
    phone_mobile: '+33 6 12 34 56 78',
    opt: true,
    account: 0,
  },
  {
    first_name: 'Louis',
    last_name: 'Bernard',
    phone_mobile: '+33 7 81 23 45 67',
    opt: true,
    account: 0,
  },
  {
    first_name: 'Emma',
    last_name: 'Thomas',
    phone_mobile: '+33 6 98 76 54 32',
    opt: false,
    account: 0,
  },
  {
    first_name: 'Oliver',
    last_name: 'Smith',
    phone_mobile: '+44 7911 123456',
    opt: true,
    account: 1,
  },
  { first_name: 'Amelia', last_name: 'Jones', phone_mobile: '', opt: true, account: 1 },
  {
    first_name: 'Ava',
    last_name: 'Johnson',
    phone_mobile: '+1 212 555 0147',
    opt: true,
    account: 2,
  },
];

/**
 * Loads a few accounts, contacts and templates so a newcomer can try the API at once.
 * Returns false when the demo data was already there (running it twice adds nothing).
 */
export async function seedDemoData(services: Services): Promise<boolean> {
  const contacts = services.dataSource.getRepository(Contact);
  if (await contacts.findOne({ where: { email: DEMO_MARKER } })) {
    return false;
  }
  const accountIds: string[] = [];
  for (const a of ACCOUNTS) {
    const account = await services.accounts.create(
      {
        name: a.name,
        phone_office: a.phone_office,
        sms_opt_in: true,
        billing_address_city: a.city,
        billing_address_country: a.country,
        industry: a.industry,
        account_type: 'Customer',
      },
      IMPORT,
    );
    accountIds.push(account.id);
  }
  for (const [index, c] of CONTACTS.entries()) {
    await services.contacts.create(
      {
        first_name: c.first_name,
        last_name: c.last_name,
        phone_mobile: c.phone_mobile,
        sms_opt_in: c.opt,
        account_id: accountIds[c.account],
        email: index === 0 ? DEMO_MARKER : `${c.first_name.toLowerCase()}@example.com`,
        lead_source: 'Demo',
      },
      IMPORT,
    );
  }
  await services.templates.create(
    {
      name: 'Appointment reminder',
      module: RecordModule.Contacts,
      body: 'Hello {{ contact.first_name }}, a reminder of your appointment with {{ account.name }} tomorrow. Reply STOP to opt out.',
    },
    null,
  );
  await services.templates.create(
    {
      name: 'Invoice ready',
      module: RecordModule.Accounts,
      body: 'Dear {{ account.name }}, your invoice is ready in your customer area.',
    },
    null,
  );
  return true;
}
