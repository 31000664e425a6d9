import { createAccount, createContact, createTemplate } from '../factories/records';
import { describeEachEngine, TestApp } from '../support/test-app';
import type { Json } from '../support/test-app';

describeEachEngine('SMS messages API', (engine) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await TestApp.start(engine, { SMS_MAX_SEGMENTS: '3' });
  });
  afterAll(async () => {
    await app.close();
  });

  const send = (parent: 'contacts' | 'accounts', id: string, body: Json, token?: string) =>
    app.post(`/api/${parent}/${id}/sms-messages`, body, token ? { token } : undefined);

  describe('creating from a record', () => {
    it('takes the number from the contact and renders the body for it', async () => {
      const account = await createAccount(app, { name: 'Globex' });
      const contact = await createContact(app, { first_name: 'Hank', account_id: account.id });
      const before = Date.now();
      const res = await send('contacts', contact.id, {
        body: 'Hi {{ contact.first_name }} from {{ account.name }}',
        status: 'send_sms',
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        parent_type: 'contacts',
        parent_id: contact.id,
        to: contact.phone_mobile,
        body: 'Hi Hank from Globex',
        status: 'send_sms',
        campaign_id: null,
        template_id: null,
        provider: null,
        attempts: 0,
        sent_at: null,
        segments: 1,
        encoding: 'GSM-7',
        error_code: null,
      });
      // send_date defaults to now
      expect(new Date(res.body.send_date).getTime()).toBeGreaterThanOrEqual(before - 1000);
      expect(new Date(res.body.send_date).getTime()).toBeLessThanOrEqual(Date.now() + 1000);
      const read = await app.get(`/api/sms-messages/${res.body.id}`);
      expect(read.body).toEqual(res.body);
    });

    it('takes the office number from an account', async () => {
      const account = await createAccount(app, { name: 'Umbrella' });
      const res = await send('accounts', account.id, {
        body: 'Dear {{ account.name }}',
        status: 'draft',
      });
      expect(res.status).toBe(201);
      expect(res.body.to).toBe(account.phone_office);
      expect(res.body.body).toBe('Dear Umbrella');
      expect(res.body.status).toBe('draft');
    });

    it('renders a template for the record and records which one', async () => {
      const template = await createTemplate(app, { body: 'Bonjour {{ contact.last_name }}' });
      const contact = await createContact(app, { last_name: 'Curie' });
      const res = await send('contacts', contact.id, {
        template_id: template.id,
        status: 'send_sms',
        send_date: '2030-01-02T09:30:00+01:00',
      });
      expect(res.status).toBe(201);
      expect(res.body.body).toBe('Bonjour Curie');
      expect(res.body.template_id).toBe(template.id);
      expect(res.body.send_date).toBe('2030-01-02T08:30:00.000Z');
    });

    it('counts UCS-2 segments on the rendered text', async () => {
      const contact = await createContact(app);
      const res = await send('contacts', contact.id, { body: 'Ça va? 😀', status: 'draft' });
      expect(res.body.encoding).toBe('UCS-2');
      expect(res.body.segments).toBe(1);
    });

    it('refuses a record without a number with no_phone', async () => {
      const contact = await createContact(app, { phone_mobile: null });
      const res = await send('contacts', contact.id, { body: 'Hi', status: 'send_sms' });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('no_phone');
      expect(res.body.error.message).toContain('no mobile number');
      const account = await createAccount(app, { phone_office: '' });
      const acc = await send('accounts', account.id, { body: 'Hi', status: 'send_sms' });
      expect(acc.body.error.code).toBe('no_phone');
    });

    it('refuses a record that has not opted in with not_opted_in', async () => {
      const contact = await createContact(app, { sms_opt_in: false });
      const res = await send('contacts', contact.id, { body: 'Hi', status: 'draft' });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('not_opted_in');
      const list = await app.get(`/api/contacts/${contact.id}/sms-messages`);
      expect(list.body.total).toBe(0);
    });

    it('requires a body or a template', async () => {
      const contact = await createContact(app);
      for (const body of [{ status: 'send_sms' }, { body: '   ', status: 'send_sms' }]) {
        const res = await send('contacts', contact.id, body);
        expect(res.status).toBe(422);
        expect(res.body.error.details[0].field).toBe('body');
      }
    });

    it('refuses a body longer than SMS_MAX_SEGMENTS segments', async () => {
      const contact = await createContact(app);
      const ok = await send('contacts', contact.id, { body: 'a'.repeat(459), status: 'draft' });
      expect(ok.status).toBe(201);
      expect(ok.body.segments).toBe(3);
      const res = await send('contacts', contact.id, { body: 'a'.repeat(460), status: 'draft' });
      expect(res.status).toBe(422);
      expect(res.body.error.details[0]).toEqual({
        field: 'body',
        message: expect.stringContaining('needs 4 SMS segments; the maximum is 3'),
      });
    });

    it('refuses bad status, send_date, template and unknown record', async () => {
      const contact = await createContact(app);
      const status = await send('contacts', contact.id, { body: 'x', status: 'sent' });
      expect(status.status).toBe(422);
      expect(status.body.error.details[0].field).toBe('status');
      const date = await send('contacts', contact.id, {
        body: 'x',
        status: 'draft',
        send_date: '2030-01-02 09:30',
      });
      expect(date.status).toBe(422);
      expect(date.body.error.details[0].field).toBe('send_date');
      const noZone = await send('contacts', contact.id, {
        body: 'x',
        status: 'draft',
        send_date: '2030-01-02T09:30:00',
      });
      expect(noZone.status).toBe(422);
      const template = await send('contacts', contact.id, {
        template_id: '00000000-0000-4000-8000-000000000000',
        status: 'draft',
      });
      expect(template.status).toBe(422);
      expect(template.body.error.details[0].field).toBe('template_id');
      const accountTemplate = await createTemplate(app, {
        module: 'accounts',
        body: 'Hi {{ account.name }}',
      });
      const wrongModule = await send('contacts', contact.id, {
        template_id: accountTemplate.id,
        status: 'draft',
      });
      expect(wrongModule.status).toBe(422);
      expect(wrongModule.body.error.details[0].message).toContain('is for accounts');
      const missing = await send('contacts', '00000000-0000-4000-8000-000000000000', {
        body: 'x',
        status: 'draft',
      });
      expect(missing.status).toBe(404);
      expect(missing.body.error.code).toBe('not_found');
    });

    it('refuses a body with an unknown variable', async () => {
      const contact = await createContact(app);
      const res = await send('contacts', contact.id, {
        body: 'Hi {{ contact.password }}',
        status: 'draft',
      });
      expect(res.status).toBe(422);
      expect(res.body.error.details[0].message).toContain("unknown variable 'contact.password'");
    });
  });

  describe('sub-panel and history', () => {
    let contact: Json;
    let other: Json;
    beforeAll(async () => {
      contact = await createContact(app, { first_name: 'History' });
      other = await createContact(app);
      await send('contacts', contact.id, {
        body: 'first',
        status: 'draft',
        send_date: '2031-03-01T10:00:00Z',
      });
      await send('contacts', contact.id, {
        body: 'second',
        status: 'send_sms',
        send_date: '2031-03-05T10:00:00Z',
      });
      await send('contacts', other.id, {
        body: 'third',
        status: 'send_sms',
        send_date: '2031-03-10T10:00:00Z',
      });
    });

    it("lists the record's messages newest first", async () => {
      const res = await app.get(`/api/contacts/${contact.id}/sms-messages`);
      expect(res.status).toBe(200);
      expect(res.body.total).toBe(2);
      expect(res.body.data.map((m: Json) => m.body)).toEqual(['second', 'first']);
    });

    it('filters history by status, parent, number and period', async () => {
      const byParent = await app.get(
        `/api/sms-messages?parent_type=contacts&parent_id=${contact.id}`,
      );
      expect(byParent.body.total).toBe(2);
      const byStatus = await app.get(
        `/api/sms-messages?parent_id=${contact.id}&status=send_sms,sent`,
      );
      expect(byStatus.body.data.map((m: Json) => m.body)).toEqual(['second']);
      const byPeriod = await app.get('/api/sms-messages?from=2031-03-04&to=2031-03-10');
      expect(byPeriod.body.data.map((m: Json) => m.body)).toEqual(['third', 'second']);
      const byNumber = await app.get(
        `/api/sms-messages?number=${encodeURIComponent(other.phone_mobile)}`,
      );
      expect(byNumber.body.data.map((m: Json) => m.body)).toEqual(['third']);
    });

    it('refuses unknown history filters and values', async () => {
      const res = await app.get('/api/sms-messages?status=bogus&from=yesterday&colour=red');
      expect(res.status).toBe(422);
      expect(res.body.error.details.map((d: Json) => d.field).sort()).toEqual([
        'colour',
        'from',
        'status',
      ]);
    });

    it('keeps the history of a deleted record', async () => {
      const gone = await createContact(app, { first_name: 'Gone', last_name: 'Soon' });
      const message = await send('contacts', gone.id, { body: 'bye', status: 'draft' });
      expect((await app.delete(`/api/contacts/${gone.id}`)).status).toBe(204);
      const read = await app.get(`/api/sms-messages/${message.body.id}`);
      expect(read.status).toBe(200);
      expect(read.body.parent_name).toBe('Gone Soon');
      expect(read.body.to).toBe(gone.phone_mobile);
    });
  });

  describe('editing and cancelling', () => {
    it('edits body, send_date and status of a draft', async () => {
      const contact = await createContact(app, { first_name: 'Edit' });
      const created = await send('contacts', contact.id, { body: 'old', status: 'draft' });
      const res = await app.patch(`/api/sms-messages/${created.body.id}`, {
        body: 'new for {{ contact.first_name }} — ok',
        send_date: '2032-05-06T07:08:09Z',
        status: 'send_sms',
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        body: 'new for Edit — ok',
        send_date: '2032-05-06T07:08:09.000Z',
        status: 'send_sms',
        encoding: 'UCS-2',
      });
    });

    it('cancels a message not yet sent, then refuses any other change with 409', async () => {
      const contact = await createContact(app);
      const created = await send('contacts', contact.id, { body: 'x', status: 'send_sms' });
      const cancelled = await app.patch(`/api/sms-messages/${created.body.id}`, {
        status: 'cancelled',
      });
      expect(cancelled.status).toBe(200);
      expect(cancelled.body.status).toBe('cancelled');
      for (const change of [{ status: 'send_sms' }, { body: 'again' }, { status: 'cancelled' }]) {
        const res = await app.patch(`/api/sms-messages/${created.body.id}`, change);
        expect(res.status).toBe(409);
        expect(res.body.error.code).toBe('conflict');
      }
      expect((await app.get(`/api/sms-messages/${created.body.id}`)).body.body).toBe('x');
    });

    it('refuses setting a status only the scheduler sets', async () => {
      const contact = await createContact(app);
      const created = await send('contacts', contact.id, { body: 'x', status: 'send_sms' });
      const res = await app.patch(`/api/sms-messages/${created.body.id}`, { status: 'sent' });
      expect(res.status).toBe(409);
      expect((await app.get(`/api/sms-messages/${created.body.id}`)).body.status).toBe('send_sms');
    });

    it('refuses a message that already left the module', async () => {
      const contact = await createContact(app);
      const created = await send('contacts', contact.id, { body: 'x', status: 'send_sms' });
      await app.server.dataSource.query(
        `UPDATE sms_messages SET status = 'sent' WHERE id = '${created.body.id}'`,
      );
      const res = await app.patch(`/api/sms-messages/${created.body.id}`, { status: 'cancelled' });
      expect(res.status).toBe(409);
      expect(res.body.error.message).toContain('is sent');
    });

    it('refuses an edit that would exceed the segment limit and keeps the old body', async () => {
      const contact = await createContact(app);
      const created = await send('contacts', contact.id, { body: 'short', status: 'draft' });
      const res = await app.patch(`/api/sms-messages/${created.body.id}`, {
        body: 'b'.repeat(1000),
      });
      expect(res.status).toBe(422);
      expect((await app.get(`/api/sms-messages/${created.body.id}`)).body.body).toBe('short');
    });

    it('answers 404 for an unknown message', async () => {
      const res = await app.patch('/api/sms-messages/nope', { status: 'cancelled' });
      expect(res.status).toBe(404);
    });
  });
});

describeEachEngine('deleting SMS messages', (engine) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await TestApp.start(engine);
  });
  afterAll(async () => {
    await app.close();
  });

  it('deletes drafts and cancelled messages, keeps the history of everything else', async () => {
    const contact = await createContact(app);
    const make = async (status: string) =>
      (await app.post(`/api/contacts/${contact.id}/sms-messages`, { body: 'x', status })).body;
    const draft = await make('draft');
    const queued = await make('send_sms');
    expect((await app.delete(`/api/sms-messages/${draft.id}`)).status).toBe(204);
    expect((await app.get(`/api/sms-messages/${draft.id}`)).status).toBe(404);
    const refused = await app.delete(`/api/sms-messages/${queued.id}`);
    expect(refused.status).toBe(409);
    expect((await app.get(`/api/sms-messages/${queued.id}`)).status).toBe(200);
    await app.patch(`/api/sms-messages/${queued.id}`, { status: 'cancelled' });
    expect((await app.delete(`/api/sms-messages/${queued.id}`)).status).toBe(204);
    expect((await app.delete('/api/sms-messages/nope')).status).toBe(404);
  });
});
