import {
  CampaignRecipient,
  RecipientStatus,
  SkipReason,
} from '../../entities/campaign-recipient.entity';
import { newId } from '../../entities/columns';
import { SmsCampaign } from '../../entities/sms-campaign.entity';
import { SmsMessage, SmsStatus } from '../../entities/sms-message.entity';
import { createAccount, createContact, createTemplate, uniqueMobile } from '../factories/records';
import { describeEachEngine, TestApp } from '../support/test-app';
import type { Json } from '../support/test-app';

const MISSING_ID = '00000000-0000-4000-8000-000000000000';
const SEND_DATE = '2026-12-01T09:00:00+01:00';

function expectValidation(res: { status: number; body: Json }, field: string): string {
  expect(res.status).toBe(422);
  expect(res.body.error.code).toBe('validation_failed');
  const fields = res.body.error.details.map((d: { field: string }) => d.field);
  expect([...new Set(fields)]).toEqual([field]);
  return res.body.error.details[0].message;
}

function expectConflict(res: { status: number; body: Json }): string {
  expect(res.status).toBe(409);
  expect(res.body.error.code).toBe('conflict');
  return res.body.error.message;
}

describeEachEngine('SMS campaigns API', (engine) => {
  let app: TestApp;
  let sales: string;
  let marketer: string;
  let contactTemplate: Json;
  let accountTemplate: Json;

  beforeAll(async () => {
    app = await TestApp.start(engine);
    sales = await app.userToken('sales');
    marketer = await app.userToken('marketer');
    contactTemplate = await createTemplate(app, {
      name: 'Campaign contact',
      body: 'Hi {{ contact.first_name }}',
    });
    accountTemplate = await createTemplate(app, {
      name: 'Campaign account',
      module: 'accounts',
      body: 'Hello {{ account.name }}',
    });
  });
  afterAll(async () => {
    await app.close();
  });

  async function createCampaign(fields: Record<string, unknown> = {}): Promise<Json> {
    const res = await app.post('/api/sms-campaigns', {
      name: 'Spring sale',
      send_date: SEND_DATE,
      module: 'contacts',
      template_id: contactTemplate.id,
      ...fields,
    });
    if (res.status !== 201) {
      throw new Error(`createCampaign: ${res.status} ${JSON.stringify(res.body)}`);
    }
    return res.body;
  }

  async function addIds(campaignId: string, ids: string[], token?: string) {
    return app.post(`/api/sms-campaigns/${campaignId}/recipients`, { ids }, { token });
  }

  async function recipientTotal(campaignId: string): Promise<number> {
    const res = await app.get(`/api/sms-campaigns/${campaignId}`);
    expect(res.status).toBe(200);
    return res.body.recipients;
  }

  /**
   * Puts records in a campaign straight into the table, bypassing POST .../recipients, so the
   * status rules can be tested whatever the state of the recipients endpoint.
   */
  async function seedRecipients(
    campaignId: string,
    recordIds: string[],
    skip: { status: RecipientStatus; skip_reason: SkipReason | null } = {
      status: RecipientStatus.Pending,
      skip_reason: null,
    },
  ): Promise<void> {
    const start = Date.now();
    await app.server.dataSource.getRepository(CampaignRecipient).insert(
      recordIds.map((recordId, i) => ({
        campaign_id: campaignId,
        record_id: recordId,
        ...skip,
        created_at: new Date(start + i),
        updated_at: new Date(start + i),
      })),
    );
  }

  /** A draft campaign with a template and one recipient, ready for generate_all. */
  async function readyCampaign(fields: Record<string, unknown> = {}): Promise<Json> {
    const campaign = await createCampaign(fields);
    const contact = await createContact(app);
    await seedRecipients(campaign.id, [contact.id]);
    expect(await recipientTotal(campaign.id)).toBe(1);
    return campaign;
  }

  async function setStatus(campaignId: string, status: string, token?: string) {
    return app.patch(`/api/sms-campaigns/${campaignId}`, { status }, { token });
  }

  describe('create and read', () => {
    it('creates a draft campaign with its summary', async () => {
      const res = await app.post(
        '/api/sms-campaigns',
        {
          name: '  Black Friday  ',
          send_date: SEND_DATE,
          module: 'contacts',
          template_id: contactTemplate.id,
        },
        { token: marketer },
      );
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        name: 'Black Friday',
        send_date: '2026-12-01T08:00:00.000Z',
        module: 'contacts',
        template_id: contactTemplate.id,
        status: 'draft',
        recipients: 0,
        counts: {},
        skipped: {},
        segments: 0,
      });
      const me = await app.get('/api/users/me', { token: marketer });
      expect(res.body.created_by_user_id).toBe(me.body.id);
      expect(res.body).not.toHaveProperty('deleted_at');

      const read = await app.get(`/api/sms-campaigns/${res.body.id}`, { token: sales });
      expect(read.status).toBe(200);
      expect(read.body).toEqual(res.body);
    });

    it('creates a campaign without a template', async () => {
      const campaign = await createCampaign({ template_id: undefined, name: 'No template yet' });
      expect(campaign.template_id).toBeNull();
      expect(campaign.status).toBe('draft');
    });

    it('lists campaigns and filters them by status', async () => {
      const campaign = await createCampaign({ name: 'Listed' });
      const drafts = await app.get('/api/sms-campaigns?status=draft&per_page=200');
      expect(drafts.status).toBe(200);
      expect(drafts.body.data.map((c: { id: string }) => c.id)).toContain(campaign.id);
      expect(drafts.body.data.every((c: { status: string }) => c.status === 'draft')).toBe(true);
      const cancelled = await app.get('/api/sms-campaigns?status=cancelled&per_page=200');
      expect(cancelled.body.data.map((c: { id: string }) => c.id)).not.toContain(campaign.id);
      const bad = await app.get('/api/sms-campaigns?status=sleeping');
      expectValidation(bad, 'status');
    });

    it('requires send_date with a time zone', async () => {
      for (const sendDate of ['2026-12-01T09:00:00', '2026-12-01', 'tomorrow', '']) {
        const res = await app.post('/api/sms-campaigns', {
          name: 'Zone',
          send_date: sendDate,
          module: 'contacts',
        });
        expectValidation(res, 'send_date');
      }
    });

    it('refuses missing, wrong and unknown fields, naming each', async () => {
      const res = await app.post('/api/sms-campaigns', {
        name: '',
        module: 'leads',
        template_id: 'abc',
        budget: 10,
      });
      expect(res.status).toBe(422);
      const fields = res.body.error.details.map((d: { field: string }) => d.field);
      expect([...new Set(fields)].sort()).toEqual([
        'budget',
        'module',
        'name',
        'send_date',
        'template_id',
      ]);
    });

    it('refuses a template of the other module, an unknown and a deleted template', async () => {
      expect(
        expectValidation(
          await app.post('/api/sms-campaigns', {
            name: 'Wrong module',
            send_date: SEND_DATE,
            module: 'contacts',
            template_id: accountTemplate.id,
          }),
          'template_id',
        ),
      ).toContain('accounts');
      expect(
        expectValidation(
          await app.post('/api/sms-campaigns', {
            name: 'Wrong module',
            send_date: SEND_DATE,
            module: 'accounts',
            template_id: contactTemplate.id,
          }),
          'template_id',
        ),
      ).toContain('contacts');
      expect(
        expectValidation(
          await app.post('/api/sms-campaigns', {
            name: 'Unknown',
            send_date: SEND_DATE,
            module: 'contacts',
            template_id: MISSING_ID,
          }),
          'template_id',
        ),
      ).toContain('does not exist');
      const doomed = await createTemplate(app, { name: 'Doomed campaign template' });
      await app.delete(`/api/sms-templates/${doomed.id}`);
      expect(
        expectValidation(
          await app.post('/api/sms-campaigns', {
            name: 'Deleted',
            send_date: SEND_DATE,
            module: 'contacts',
            template_id: doomed.id,
          }),
          'template_id',
        ),
      ).toContain('does not exist');
    });

    it('answers 404 for an unknown campaign', async () => {
      for (const res of [
        await app.get(`/api/sms-campaigns/${MISSING_ID}`),
        await app.patch(`/api/sms-campaigns/${MISSING_ID}`, { name: 'X' }),
        await app.get(`/api/sms-campaigns/${MISSING_ID}/recipients`),
        await addIds(MISSING_ID, [MISSING_ID]),
      ]) {
        expect(res.status).toBe(404);
        expect(res.body.error.code).toBe('not_found');
      }
    });
  });

  describe('editing a draft', () => {
    it('keeps the campaign number the server gave: a client cannot set seq', async () => {
      const campaign = await createCampaign();
      // seq is internal (the key of the messages' unique number index): not shown, not settable.
      expect(campaign).not.toHaveProperty('seq');
      const seqOf = async (id: string) =>
        (await app.server.dataSource.getRepository(SmsCampaign).findOneByOrFail({ id })).seq;
      const seq = await seqOf(campaign.id);
      expect(Number.isInteger(seq)).toBe(true);
      expect(
        expectValidation(
          await app.post('/api/sms-campaigns', {
            name: 'Numbered',
            send_date: SEND_DATE,
            module: 'contacts',
            seq,
          }),
          'seq',
        ),
      ).toBe('is not a known field');
      expectValidation(
        await app.patch(`/api/sms-campaigns/${campaign.id}`, { seq: seq + 1000 }),
        'seq',
      );
      expect(await seqOf(campaign.id)).toBe(seq);
      expect(await seqOf((await createCampaign()).id)).toBeGreaterThan(seq);
    });

    it('edits name, send_date and template', async () => {
      const campaign = await createCampaign({ template_id: null });
      const other = await createTemplate(app, { name: 'Other contact template' });
      const res = await app.patch(`/api/sms-campaigns/${campaign.id}`, {
        name: 'Renamed',
        send_date: '2027-01-15T10:30:00Z',
        template_id: other.id,
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        name: 'Renamed',
        send_date: '2027-01-15T10:30:00.000Z',
        template_id: other.id,
        status: 'draft',
      });
    });

    it('refuses a template of the other module and keeps the old one', async () => {
      const campaign = await createCampaign();
      const res = await app.patch(`/api/sms-campaigns/${campaign.id}`, {
        template_id: accountTemplate.id,
      });
      expect(expectValidation(res, 'template_id')).toContain('accounts');
      const after = await app.get(`/api/sms-campaigns/${campaign.id}`);
      expect(after.body.template_id).toBe(contactTemplate.id);
    });

    it('refuses a deleted template', async () => {
      const campaign = await createCampaign();
      const doomed = await createTemplate(app, { name: 'Deleted before edit' });
      await app.delete(`/api/sms-templates/${doomed.id}`);
      const res = await app.patch(`/api/sms-campaigns/${campaign.id}`, { template_id: doomed.id });
      expect(expectValidation(res, 'template_id')).toContain('does not exist');
    });

    it('refuses a send_date without a time zone', async () => {
      const campaign = await createCampaign();
      const res = await app.patch(`/api/sms-campaigns/${campaign.id}`, {
        send_date: '2027-01-15T10:30:00',
      });
      expectValidation(res, 'send_date');
      expect((await app.get(`/api/sms-campaigns/${campaign.id}`)).body.send_date).toBe(
        campaign.send_date,
      );
    });

    it('refuses a status that is not a campaign status', async () => {
      const campaign = await createCampaign();
      expectValidation(await setStatus(campaign.id, 'paused'), 'status');
    });
  });

  describe('recipients', () => {
    it('adds records by id; adding them again adds nothing', async () => {
      const campaign = await createCampaign();
      const a = await createContact(app);
      const b = await createContact(app);
      const first = await addIds(campaign.id, [a.id, b.id, a.id], marketer);
      expect(first.status).toBe(200);
      expect(first.body).toEqual({ added: 2, total: 2 });
      const again = await addIds(campaign.id, [b.id, a.id]);
      expect(again.status).toBe(200);
      expect(again.body).toEqual({ added: 0, total: 2 });
      const c = await createContact(app);
      const more = await addIds(campaign.id, [a.id, c.id]);
      expect(more.body).toEqual({ added: 1, total: 3 });
      expect(await recipientTotal(campaign.id)).toBe(3);
    });

    it('adds nothing when one of the ids does not exist (all or nothing)', async () => {
      const campaign = await createCampaign();
      const existing = await createContact(app);
      const kept = await createContact(app);
      await seedRecipients(campaign.id, [kept.id]);
      const res = await addIds(campaign.id, [existing.id, MISSING_ID]);
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('validation_failed');
      expect(res.body.error.details).toEqual([
        { field: 'ids', message: expect.stringContaining(MISSING_ID) },
      ]);
      expect(res.body.error.message).toContain('nothing was added');
      expect(await recipientTotal(campaign.id)).toBe(1);
      const list = await app.get(`/api/sms-campaigns/${campaign.id}/recipients`);
      expect(list.body.data.map((r: { record_id: string }) => r.record_id)).toEqual([kept.id]);
    });

    it('refuses ids of the other module and of deleted records, adding nothing', async () => {
      const campaign = await createCampaign();
      const contact = await createContact(app);
      const account = await createAccount(app);
      const otherModule = await addIds(campaign.id, [contact.id, account.id]);
      expect(expectValidation(otherModule, 'ids')).toContain(account.id);
      const gone = await createContact(app);
      await app.delete(`/api/contacts/${gone.id}`);
      const deleted = await addIds(campaign.id, [contact.id, gone.id]);
      expect(expectValidation(deleted, 'ids')).toContain(gone.id);
      expect(await recipientTotal(campaign.id)).toBe(0);
    });

    it('requires exactly one of ids and filter', async () => {
      const campaign = await createCampaign();
      const contact = await createContact(app);
      const both = await app.post(`/api/sms-campaigns/${campaign.id}/recipients`, {
        ids: [contact.id],
        filter: { primary_address_city: 'Lyon' },
      });
      expectValidation(both, 'ids');
      const neither = await app.post(`/api/sms-campaigns/${campaign.id}/recipients`, {});
      expectValidation(neither, 'ids');
      expect(await recipientTotal(campaign.id)).toBe(0);
    });

    it('refuses malformed ids and filters', async () => {
      const campaign = await createCampaign();
      expectValidation(await addIds(campaign.id, []), 'ids');
      expectValidation(await addIds(campaign.id, ['not-an-id']), 'ids');
      const notArray = await app.post(`/api/sms-campaigns/${campaign.id}/recipients`, {
        ids: 'abc',
      });
      expectValidation(notArray, 'ids');
      const notObject = await app.post(`/api/sms-campaigns/${campaign.id}/recipients`, {
        filter: 'Lyon',
      });
      expectValidation(notObject, 'filter');
    });

    it('adds records matching a filter, the same way the list endpoints filter', async () => {
      const city = `Lyon${Date.now()}`;
      const opted1 = await createContact(app, { primary_address_city: city, sms_opt_in: true });
      const opted2 = await createContact(app, {
        first_name: null,
        last_name: 'Solo',
        primary_address_city: city,
        sms_opt_in: true,
      });
      await createContact(app, { primary_address_city: city, sms_opt_in: false });
      await createContact(app, { primary_address_city: `${city}-elsewhere`, sms_opt_in: true });
      const deleted = await createContact(app, { primary_address_city: city, sms_opt_in: true });
      await app.delete(`/api/contacts/${deleted.id}`);

      const listed = await app.get(`/api/contacts?primary_address_city=${city}&sms_opt_in=true`);
      expect(listed.body.total).toBe(2);

      const campaign = await createCampaign();
      const res = await app.post(`/api/sms-campaigns/${campaign.id}/recipients`, {
        filter: { primary_address_city: city, sms_opt_in: true },
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ added: 2, total: 2 });
      const again = await app.post(`/api/sms-campaigns/${campaign.id}/recipients`, {
        filter: { primary_address_city: city, sms_opt_in: true },
      });
      expect(again.body).toEqual({ added: 0, total: 2 });

      const list = await app.get(`/api/sms-campaigns/${campaign.id}/recipients`);
      expect(list.status).toBe(200);
      expect(list.body.total).toBe(2);
      const ids = list.body.data.map((r: { record_id: string }) => r.record_id).sort();
      expect(ids).toEqual([opted1.id, opted2.id].sort());
      const solo = list.body.data.find((r: { record_id: string }) => r.record_id === opted2.id);
      expect(solo).toMatchObject({
        name: 'Solo',
        phone: opted2.phone_mobile,
        sms_opt_in: true,
        record_deleted: false,
        status: 'pending',
        skip_reason: null,
      });
      const ada = list.body.data.find((r: { record_id: string }) => r.record_id === opted1.id);
      expect(ada.name).toBe('Ada Lovelace');
      expect(new Date(ada.created_at).toISOString()).toBe(ada.created_at);
    });

    it('adds by free text and by a phone typed any way', async () => {
      const phone = uniqueMobile();
      const contact = await createContact(app, {
        last_name: `Findme${Date.now()}`,
        phone_mobile: phone,
      });
      const campaign = await createCampaign();
      const spaced = phone.replace(/^\+33(\d)(\d{2})(\d{2})(\d{2})(\d{2})$/, '+33 $1 $2 $3 $4 $5');
      const byPhone = await app.post(`/api/sms-campaigns/${campaign.id}/recipients`, {
        filter: { phone_mobile: spaced },
      });
      expect(byPhone.body).toEqual({ added: 1, total: 1 });
      const byText = await app.post(`/api/sms-campaigns/${campaign.id}/recipients`, {
        filter: { q: contact.last_name },
      });
      expect(byText.body).toEqual({ added: 0, total: 1 });
    });

    it('refuses an unknown or badly typed filter field, naming filter.<field>', async () => {
      const campaign = await createCampaign();
      const unknown = await app.post(`/api/sms-campaigns/${campaign.id}/recipients`, {
        filter: { colour: 'blue' },
      });
      expect(expectValidation(unknown, 'filter.colour')).toContain('not a filter');
      const badBool = await app.post(`/api/sms-campaigns/${campaign.id}/recipients`, {
        filter: { sms_opt_in: 'maybe' },
      });
      expectValidation(badBool, 'filter.sms_opt_in');
      const accountField = await app.post(`/api/sms-campaigns/${campaign.id}/recipients`, {
        filter: { industry: 'Tech' },
      });
      expectValidation(accountField, 'filter.industry');
      const badPhone = await app.post(`/api/sms-campaigns/${campaign.id}/recipients`, {
        filter: { phone_mobile: '06 12 34 56 78' },
      });
      expectValidation(badPhone, 'filter.phone_mobile');
      expect(await recipientTotal(campaign.id)).toBe(0);
    });

    it('filters accounts for an account campaign', async () => {
      const industry = `Anvils${Date.now()}`;
      const acme = await createAccount(app, { name: 'Acme', industry });
      await createAccount(app, { name: 'Other', industry: `${industry}-not` });
      const campaign = await createCampaign({
        module: 'accounts',
        template_id: accountTemplate.id,
      });
      const res = await app.post(`/api/sms-campaigns/${campaign.id}/recipients`, {
        filter: { industry },
      });
      expect(res.body).toEqual({ added: 1, total: 1 });
      const list = await app.get(`/api/sms-campaigns/${campaign.id}/recipients`);
      expect(list.body.data).toEqual([
        expect.objectContaining({
          record_id: acme.id,
          name: 'Acme',
          phone: acme.phone_office,
          record_deleted: false,
        }),
      ]);
      const contactField = await app.post(`/api/sms-campaigns/${campaign.id}/recipients`, {
        filter: { last_name: 'X' },
      });
      expectValidation(contactField, 'filter.last_name');
    });

    it('lists recipients with the record name, phone and opt-in', async () => {
      const campaign = await createCampaign();
      const ada = await createContact(app, { sms_opt_in: false });
      const solo = await createContact(app, { first_name: null, last_name: 'Solo' });
      await seedRecipients(campaign.id, [ada.id, solo.id]);
      const list = await app.get(`/api/sms-campaigns/${campaign.id}/recipients`);
      expect(list.status).toBe(200);
      expect(list.body).toMatchObject({ total: 2, page: 1 });
      expect(list.body.data).toEqual([
        {
          record_id: ada.id,
          name: 'Ada Lovelace',
          phone: ada.phone_mobile,
          sms_opt_in: false,
          record_deleted: false,
          status: 'pending',
          skip_reason: null,
          created_at: expect.any(String),
        },
        expect.objectContaining({
          record_id: solo.id,
          name: 'Solo',
          phone: solo.phone_mobile,
          sms_opt_in: true,
        }),
      ]);
      expect(new Date(list.body.data[0].created_at).toISOString()).toBe(
        list.body.data[0].created_at,
      );
    });

    it('lists account recipients by account name and office phone', async () => {
      const account = await createAccount(app, { name: 'Globex' });
      const campaign = await createCampaign({
        module: 'accounts',
        template_id: accountTemplate.id,
      });
      await seedRecipients(campaign.id, [account.id]);
      const list = await app.get(`/api/sms-campaigns/${campaign.id}/recipients`);
      expect(list.body.data).toEqual([
        expect.objectContaining({
          record_id: account.id,
          name: 'Globex',
          phone: account.phone_office,
          record_deleted: false,
        }),
      ]);
    });

    it('counts skipped recipients per reason in the summary', async () => {
      const campaign = await createCampaign();
      const ids: string[] = [];
      for (let i = 0; i < 4; i++) {
        ids.push((await createContact(app)).id);
      }
      await seedRecipients(campaign.id, [ids[0]]);
      await seedRecipients(campaign.id, [ids[1], ids[2]], {
        status: RecipientStatus.Skipped,
        skip_reason: SkipReason.NotOptedIn,
      });
      await seedRecipients(campaign.id, [ids[3]], {
        status: RecipientStatus.Skipped,
        skip_reason: SkipReason.NoPhone,
      });
      const res = await app.get(`/api/sms-campaigns/${campaign.id}`);
      expect(res.body).toMatchObject({
        recipients: 4,
        skipped: { not_opted_in: 2, no_phone: 1 },
        counts: {},
      });
      const list = await app.get(`/api/sms-campaigns/${campaign.id}/recipients`);
      const skipped = list.body.data.filter((r: { status: string }) => r.status === 'skipped');
      expect(skipped.map((r: { skip_reason: string }) => r.skip_reason).sort()).toEqual([
        'no_phone',
        'not_opted_in',
        'not_opted_in',
      ]);
    });

    it('shows a recipient whose record was deleted afterwards', async () => {
      const campaign = await createCampaign();
      const contact = await createContact(app, { first_name: 'Gone', last_name: 'Later' });
      await seedRecipients(campaign.id, [contact.id]);
      await app.delete(`/api/contacts/${contact.id}`);
      const list = await app.get(`/api/sms-campaigns/${campaign.id}/recipients`);
      expect(list.body.data).toEqual([
        expect.objectContaining({ record_id: contact.id, record_deleted: true }),
      ]);
    });

    it('pages through recipients', async () => {
      const campaign = await createCampaign();
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        ids.push((await createContact(app)).id);
      }
      await seedRecipients(campaign.id, ids);
      const page1 = await app.get(`/api/sms-campaigns/${campaign.id}/recipients?per_page=2`);
      const page2 = await app.get(`/api/sms-campaigns/${campaign.id}/recipients?per_page=2&page=2`);
      expect(page1.body).toMatchObject({ total: 3, page: 1, per_page: 2 });
      expect(page1.body.data).toHaveLength(2);
      expect(page2.body.data).toHaveLength(1);
      const seen = [...page1.body.data, ...page2.body.data].map(
        (r: { record_id: string }) => r.record_id,
      );
      expect(seen.sort()).toEqual([...ids].sort());
      const bad = await app.get(`/api/sms-campaigns/${campaign.id}/recipients?status=pending`);
      expectValidation(bad, 'status');
    });

    it('removes one recipient; 404 when it is not one', async () => {
      const campaign = await createCampaign();
      const a = await createContact(app);
      const b = await createContact(app);
      await seedRecipients(campaign.id, [a.id, b.id]);
      const res = await app.delete(`/api/sms-campaigns/${campaign.id}/recipients/${a.id}`, {
        token: marketer,
      });
      expect(res.status).toBe(204);
      expect(await recipientTotal(campaign.id)).toBe(1);
      const list = await app.get(`/api/sms-campaigns/${campaign.id}/recipients`);
      expect(list.body.data.map((r: { record_id: string }) => r.record_id)).toEqual([b.id]);
      const again = await app.delete(`/api/sms-campaigns/${campaign.id}/recipients/${a.id}`);
      expect(again.status).toBe(404);
      expect(again.body.error.code).toBe('not_found');
      const never = await app.delete(`/api/sms-campaigns/${campaign.id}/recipients/${MISSING_ID}`);
      expect(never.status).toBe(404);
    });
  });

  describe('status changes', () => {
    it('starts generation from a draft with a template and recipients', async () => {
      const campaign = await readyCampaign();
      const res = await setStatus(campaign.id, 'generate_all', marketer);
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('generate_all');
      expect(res.body.recipients).toBe(1);
      expect((await app.get(`/api/sms-campaigns/${campaign.id}`)).body.status).toBe('generate_all');
    });

    it('refuses generate_all without a template', async () => {
      const campaign = await readyCampaign({ template_id: null });
      expect(expectConflict(await setStatus(campaign.id, 'generate_all'))).toContain('template');
      expect((await app.get(`/api/sms-campaigns/${campaign.id}`)).body.status).toBe('draft');
    });

    it('refuses generate_all without recipients', async () => {
      const campaign = await createCampaign();
      expect(expectConflict(await setStatus(campaign.id, 'generate_all'))).toContain('recipients');
      expect((await app.get(`/api/sms-campaigns/${campaign.id}`)).body.status).toBe('draft');
    });

    it('refuses generate_all when every recipient was removed', async () => {
      const campaign = await createCampaign();
      const contact = await createContact(app);
      await seedRecipients(campaign.id, [contact.id]);
      await app.delete(`/api/sms-campaigns/${campaign.id}/recipients/${contact.id}`);
      expectConflict(await setStatus(campaign.id, 'generate_all'));
    });

    it('saves nothing of a PATCH whose status change is refused', async () => {
      const campaign = await createCampaign();
      const res = await app.patch(`/api/sms-campaigns/${campaign.id}`, {
        name: 'Renamed anyway',
        status: 'generate_all',
      });
      expectConflict(res);
      expect((await app.get(`/api/sms-campaigns/${campaign.id}`)).body.name).toBe(campaign.name);
    });

    it('sets a template and starts generation in one PATCH', async () => {
      const campaign = await createCampaign({ template_id: null });
      await seedRecipients(campaign.id, [(await createContact(app)).id]);
      const res = await app.patch(`/api/sms-campaigns/${campaign.id}`, {
        template_id: contactTemplate.id,
        status: 'generate_all',
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ template_id: contactTemplate.id, status: 'generate_all' });
    });

    it('refuses generate_all when the template was moved to the other module', async () => {
      const template = await createTemplate(app, { name: 'Moves module' });
      const campaign = await readyCampaign({ template_id: template.id });
      const moved = await app.patch(`/api/sms-templates/${template.id}`, {
        module: 'accounts',
        body: 'Hi {{ account.name }}',
      });
      expect(moved.status).toBe(200);
      expect(expectConflict(await setStatus(campaign.id, 'generate_all'))).toContain('accounts');
    });

    it('refuses generate_all when the template was deleted', async () => {
      const template = await createTemplate(app, { name: 'Deleted after choosing' });
      const campaign = await readyCampaign({ template_id: template.id });
      expect((await app.delete(`/api/sms-templates/${template.id}`)).status).toBe(204);
      expect(expectConflict(await setStatus(campaign.id, 'generate_all'))).toContain('deleted');
      expect((await app.get(`/api/sms-campaigns/${campaign.id}`)).body.status).toBe('draft');
    });

    it('refuses generate_all when the template was removed from the campaign', async () => {
      const campaign = await readyCampaign();
      const cleared = await app.patch(`/api/sms-campaigns/${campaign.id}`, { template_id: null });
      expect(cleared.status).toBe(200);
      expect(cleared.body.template_id).toBeNull();
      expectConflict(await setStatus(campaign.id, 'generate_all'));
    });

    it('refuses generate_all on a campaign already in generate_all', async () => {
      const campaign = await readyCampaign();
      expect((await setStatus(campaign.id, 'generate_all')).status).toBe(200);
      expectConflict(await setStatus(campaign.id, 'generate_all'));
      expect((await app.get(`/api/sms-campaigns/${campaign.id}`)).body.status).toBe('generate_all');
    });

    it.each(['completed', 'generating', 'in_progress'])(
      'refuses setting %s by hand',
      async (status) => {
        const campaign = await readyCampaign();
        expectConflict(await setStatus(campaign.id, status));
        expect((await app.get(`/api/sms-campaigns/${campaign.id}`)).body.status).toBe('draft');
      },
    );

    it('refuses going back to draft from generate_all', async () => {
      const campaign = await readyCampaign();
      await setStatus(campaign.id, 'generate_all');
      expectConflict(await setStatus(campaign.id, 'draft'));
      expect((await app.get(`/api/sms-campaigns/${campaign.id}`)).body.status).toBe('generate_all');
    });

    it('cancels a draft; a cancelled campaign cannot be started, edited or filled', async () => {
      const campaign = await readyCampaign();
      const cancelled = await setStatus(campaign.id, 'cancelled', marketer);
      expect(cancelled.status).toBe(200);
      expect(cancelled.body.status).toBe('cancelled');
      expectConflict(await setStatus(campaign.id, 'generate_all'));
      expectConflict(await app.patch(`/api/sms-campaigns/${campaign.id}`, { name: 'Revived' }));
      const contact = await createContact(app);
      expectConflict(await addIds(campaign.id, [contact.id]));
      const after = await app.get(`/api/sms-campaigns/${campaign.id}`);
      expect(after.body).toMatchObject({ status: 'cancelled', name: campaign.name, recipients: 1 });
    });

    it('refuses editing name or template of a campaign that left draft', async () => {
      const campaign = await readyCampaign();
      await setStatus(campaign.id, 'generate_all');
      const other = await createTemplate(app, { name: 'Too late' });
      expectConflict(await app.patch(`/api/sms-campaigns/${campaign.id}`, { name: 'Too late' }));
      expectConflict(
        await app.patch(`/api/sms-campaigns/${campaign.id}`, { template_id: other.id }),
      );
      expectConflict(
        await app.patch(`/api/sms-campaigns/${campaign.id}`, {
          send_date: '2027-01-01T00:00:00Z',
        }),
      );
      const after = await app.get(`/api/sms-campaigns/${campaign.id}`);
      expect(after.body).toMatchObject({
        name: campaign.name,
        template_id: campaign.template_id,
        send_date: campaign.send_date,
        status: 'generate_all',
      });
    });

    it('refuses adding or removing recipients once the campaign left draft', async () => {
      const campaign = await createCampaign();
      const first = await createContact(app);
      await seedRecipients(campaign.id, [first.id]);
      expect((await setStatus(campaign.id, 'generate_all')).status).toBe(200);
      const contact = await createContact(app);
      expectConflict(await addIds(campaign.id, [contact.id]));
      expectConflict(
        await app.post(`/api/sms-campaigns/${campaign.id}/recipients`, {
          filter: { sms_opt_in: true },
        }),
      );
      expectConflict(await app.delete(`/api/sms-campaigns/${campaign.id}/recipients/${first.id}`));
      expect(await recipientTotal(campaign.id)).toBe(1);
    });

    it('cancels a campaign in generate_all', async () => {
      const campaign = await readyCampaign();
      await setStatus(campaign.id, 'generate_all');
      const res = await setStatus(campaign.id, 'cancelled');
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('cancelled');
    });
  });

  describe('cancelling a campaign with messages', () => {
    async function insertMessage(
      campaignId: string | null,
      status: SmsStatus,
      segments = 1,
    ): Promise<string> {
      const id = newId();
      const now = new Date();
      await app.server.dataSource.getRepository(SmsMessage).insert({
        id,
        parent_type: 'contacts' as SmsMessage['parent_type'],
        parent_id: newId(),
        parent_name: 'Ada Lovelace',
        to_number: uniqueMobile(),
        body: 'Hi Ada',
        send_date: now,
        due_at: now,
        status,
        campaign_id: campaignId,
        template_id: contactTemplate.id,
        attempts: 0,
        sent_at: status === SmsStatus.Sent ? now : null,
        segments,
        encoding: 'GSM-7',
        created_at: now,
        updated_at: now,
      });
      return id;
    }

    async function statusOf(id: string): Promise<SmsStatus> {
      const row = await app.server.dataSource.getRepository(SmsMessage).findOneByOrFail({ id });
      return row.status;
    }

    async function cancelWithMessages(startGeneration: boolean) {
      const campaign = await readyCampaign();
      if (startGeneration) {
        expect((await setStatus(campaign.id, 'generate_all')).status).toBe(200);
      }
      const draft = await insertMessage(campaign.id, SmsStatus.Draft, 1);
      const queued = await insertMessage(campaign.id, SmsStatus.SendSms, 2);
      const sent = await insertMessage(campaign.id, SmsStatus.Sent, 3);
      const otherCampaign = await createCampaign({ name: 'Untouched' });
      const elsewhere = await insertMessage(otherCampaign.id, SmsStatus.SendSms);
      const standalone = await insertMessage(null, SmsStatus.Draft);

      const before = await app.get(`/api/sms-campaigns/${campaign.id}`);
      expect(before.body.counts).toEqual({ draft: 1, send_sms: 1, sent: 1 });
      expect(before.body.segments).toBe(6);

      const res = await setStatus(campaign.id, 'cancelled');
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('cancelled');
      expect(res.body.counts).toEqual({ cancelled: 2, sent: 1 });

      expect(await statusOf(draft)).toBe(SmsStatus.Cancelled);
      expect(await statusOf(queued)).toBe(SmsStatus.Cancelled);
      expect(await statusOf(sent)).toBe(SmsStatus.Sent);
      expect(await statusOf(elsewhere)).toBe(SmsStatus.SendSms);
      expect(await statusOf(standalone)).toBe(SmsStatus.Draft);

      const after = await app.get(`/api/sms-campaigns/${campaign.id}`);
      expect(after.body.counts).toEqual({ cancelled: 2, sent: 1 });
      expect(after.body.status).toBe('cancelled');
    }

    it('cancels the draft and queued messages of a draft campaign, not the sent one', async () => {
      await cancelWithMessages(false);
    });

    it('cancels the unsent messages of a campaign in generate_all', async () => {
      await cancelWithMessages(true);
    });

    it('does not cancel anything when the campaign cannot be cancelled', async () => {
      const campaign = await readyCampaign();
      await setStatus(campaign.id, 'cancelled');
      const queued = await insertMessage(campaign.id, SmsStatus.SendSms);
      expectConflict(await setStatus(campaign.id, 'generate_all'));
      expect(await statusOf(queued)).toBe(SmsStatus.SendSms);
    });
  });

  describe('delete', () => {
    it('soft-deletes a draft campaign', async () => {
      const campaign = await createCampaign();
      const res = await app.delete(`/api/sms-campaigns/${campaign.id}`, { token: marketer });
      expect(res.status).toBe(204);
      expect((await app.get(`/api/sms-campaigns/${campaign.id}`)).status).toBe(404);
      expect((await app.delete(`/api/sms-campaigns/${campaign.id}`)).status).toBe(404);
    });

    it('refuses deleting a campaign that is being generated', async () => {
      const campaign = await readyCampaign();
      await setStatus(campaign.id, 'generate_all');
      expectConflict(await app.delete(`/api/sms-campaigns/${campaign.id}`));
      expect((await app.get(`/api/sms-campaigns/${campaign.id}`)).status).toBe(200);
    });
  });

  describe('permissions', () => {
    it('lets sales read campaigns and their recipients', async () => {
      const campaign = await readyCampaign();
      expect((await app.get('/api/sms-campaigns', { token: sales })).status).toBe(200);
      expect((await app.get(`/api/sms-campaigns/${campaign.id}`, { token: sales })).status).toBe(
        200,
      );
      const recipients = await app.get(`/api/sms-campaigns/${campaign.id}/recipients`, {
        token: sales,
      });
      expect(recipients.status).toBe(200);
      expect(recipients.body.total).toBe(1);
    });

    it('forbids sales to create, edit, fill, start or delete campaigns, changing nothing', async () => {
      const created = await app.post(
        '/api/sms-campaigns',
        { name: 'By sales', send_date: SEND_DATE, module: 'contacts' },
        { token: sales },
      );
      expect(created.status).toBe(403);
      expect(created.body.error.code).toBe('forbidden');

      const campaign = await readyCampaign();
      const contact = await createContact(app);
      const [first] = (await app.get(`/api/sms-campaigns/${campaign.id}/recipients`)).body.data;
      for (const res of [
        await app.patch(`/api/sms-campaigns/${campaign.id}`, { name: 'Hijack' }, { token: sales }),
        await setStatus(campaign.id, 'generate_all', sales),
        await setStatus(campaign.id, 'cancelled', sales),
        await addIds(campaign.id, [contact.id], sales),
        await app.delete(`/api/sms-campaigns/${campaign.id}/recipients/${first.record_id}`, {
          token: sales,
        }),
        await app.delete(`/api/sms-campaigns/${campaign.id}`, { token: sales }),
      ]) {
        expect(res.status).toBe(403);
        expect(res.body.error.code).toBe('forbidden');
      }
      const after = await app.get(`/api/sms-campaigns/${campaign.id}`);
      expect(after.body).toMatchObject({ name: campaign.name, status: 'draft', recipients: 1 });
    });

    it('requires a token', async () => {
      const res = await app.get('/api/sms-campaigns', { token: null });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('unauthorized');
    });
  });
});

describeEachEngine('campaign history by period', (engine) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await TestApp.start(engine);
  });
  afterAll(async () => {
    await app.close();
  });

  it('filters campaigns on their dispatch date', async () => {
    for (const [name, date] of [
      ['January', '2031-01-15T10:00:00Z'],
      ['February', '2031-02-15T10:00:00Z'],
      ['March', '2031-03-15T10:00:00Z'],
    ]) {
      await app.post('/api/sms-campaigns', { name, send_date: date, module: 'contacts' });
    }
    const page = { page: 1, per_page: 20 };
    const february = await app.server.services.campaigns.list(
      { from: new Date('2031-02-01T00:00:00Z'), to: new Date('2031-02-28T23:59:59.999Z') },
      page,
    );
    expect(february.data.map((c) => c.name)).toEqual(['February']);
    const fromFebruary = await app.server.services.campaigns.list(
      { from: new Date('2031-02-01T00:00:00Z') },
      page,
    );
    expect(fromFebruary.data.map((c) => c.name).sort()).toEqual(['February', 'March']);
  });
});
