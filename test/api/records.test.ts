import { createAccount, createContact, uniqueMobile } from '../factories/records';
import { describeEachEngine, TestApp } from '../support/test-app';

describeEachEngine('contacts and accounts API', (engine) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await TestApp.start(engine);
  });
  afterAll(async () => {
    await app.close();
  });

  describe('phone numbers', () => {
    it('stores a number typed with spaces, dots, dashes and parentheses in E.164', async () => {
      for (const [typed, e164] of [
        ['+33 6 12 34 56 78', '+33612345678'],
        ['+33.6.12.34.56.79', '+33612345679'],
        ['+1 (415) 555-2671', '+14155552671'],
        ['0044 7911 123456', '+447911123456'],
      ]) {
        const res = await app.post('/api/contacts', { last_name: 'Phone', phone_mobile: typed });
        expect(res.status).toBe(201);
        expect(res.body.phone_mobile).toBe(e164);
        const again = await app.get(`/api/contacts/${res.body.id}`);
        expect(again.body.phone_mobile).toBe(e164);
      }
    });

    it('refuses a number without a country code, naming the field', async () => {
      const res = await app.post('/api/contacts', {
        last_name: 'X',
        phone_mobile: '06 12 34 56 78',
      });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('validation_failed');
      expect(res.body.error.details).toEqual([
        { field: 'phone_mobile', message: expect.stringContaining('no country code') },
      ]);
    });

    it('refuses a number libphonenumber calls invalid', async () => {
      for (const bad of ['+33 1', '+33 6 12', '+999 123 456', '+1 555 0100 99999']) {
        const res = await app.post('/api/accounts', { name: 'Bad', phone_office: bad });
        expect(res.status).toBe(422);
        expect(res.body.error.details[0].field).toBe('phone_office');
      }
    });

    it('refuses letters in a number', async () => {
      const res = await app.post('/api/contacts', {
        last_name: 'X',
        phone_mobile: '+33 6 CALL ME',
      });
      expect(res.status).toBe(422);
      expect(res.body.error.details[0].message).toContain('characters other than digits');
    });

    it('allows an empty phone, stored as null', async () => {
      const res = await app.post('/api/contacts', { last_name: 'NoPhone', phone_mobile: '' });
      expect(res.status).toBe(201);
      expect(res.body.phone_mobile).toBeNull();
      expect(res.body.sms_opt_in).toBe(false);
    });

    it('does not change the stored number when an update is refused', async () => {
      const contact = await createContact(app);
      const res = await app.patch(`/api/contacts/${contact.id}`, { phone_mobile: '0612345678' });
      expect(res.status).toBe(422);
      expect((await app.get(`/api/contacts/${contact.id}`)).body.phone_mobile).toBe(
        contact.phone_mobile,
      );
    });
  });

  describe('contacts CRUD', () => {
    it('creates, reads, updates and deletes a contact', async () => {
      const account = await createAccount(app);
      const created = await app.post('/api/contacts', {
        first_name: 'Grace',
        last_name: 'Hopper',
        title: 'Rear Admiral',
        email: 'grace@example.com',
        phone_mobile: '+33 6 11 22 33 44',
        sms_opt_in: true,
        account_id: account.id,
        primary_address_city: 'Paris',
        primary_address_country: 'France',
        lead_source: 'Web Site',
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        first_name: 'Grace',
        phone_mobile: '+33611223344',
        sms_opt_in: true,
        account_id: account.id,
      });
      expect(typeof created.body.id).toBe('string');
      expect(new Date(created.body.created_at).toISOString()).toBe(created.body.created_at);

      const patched = await app.patch(`/api/contacts/${created.body.id}`, {
        sms_opt_in: false,
        title: null,
      });
      expect(patched.status).toBe(200);
      expect(patched.body.sms_opt_in).toBe(false);
      expect(patched.body.title).toBeNull();
      expect(patched.body.first_name).toBe('Grace');

      expect((await app.delete(`/api/contacts/${created.body.id}`)).status).toBe(204);
      expect((await app.get(`/api/contacts/${created.body.id}`)).status).toBe(404);
      expect((await app.delete(`/api/contacts/${created.body.id}`)).status).toBe(404);
    });

    it('requires last_name on create and refuses null on update', async () => {
      const res = await app.post('/api/contacts', { first_name: 'Only' });
      expect(res.status).toBe(422);
      expect(res.body.error.details[0].field).toBe('last_name');
      const contact = await createContact(app);
      const nulled = await app.patch(`/api/contacts/${contact.id}`, { last_name: null });
      expect(nulled.status).toBe(422);
      expect(nulled.body.error.details[0].field).toBe('last_name');
    });

    it('refuses an account_id that does not exist', async () => {
      const res = await app.post('/api/contacts', {
        last_name: 'Orphan',
        account_id: '00000000-0000-4000-8000-000000000000',
      });
      expect(res.status).toBe(422);
      expect(res.body.error.details).toEqual([
        { field: 'account_id', message: expect.stringContaining('does not exist') },
      ]);
    });

    it('refuses wrong types and unknown fields, naming each', async () => {
      const res = await app.post('/api/contacts', {
        last_name: 42,
        sms_opt_in: 'yes',
        email: 'not-an-email',
        favourite_colour: 'blue',
      });
      expect(res.status).toBe(422);
      const fields = res.body.error.details.map((d: { field: string }) => d.field).sort();
      expect(fields).toEqual(
        expect.arrayContaining(['email', 'favourite_colour', 'last_name', 'sms_opt_in']),
      );
    });
  });

  describe('accounts CRUD', () => {
    it('creates, updates and deletes an account', async () => {
      const created = await app.post('/api/accounts', {
        name: 'Initech',
        phone_office: '+44 20 7946 0958',
        account_type: 'Customer',
        industry: 'Technology',
        billing_address_city: 'London',
        billing_address_country: 'United Kingdom',
      });
      expect(created.status).toBe(201);
      expect(created.body.phone_office).toBe('+442079460958');
      expect(created.body.sms_opt_in).toBe(false);
      const patched = await app.patch(`/api/accounts/${created.body.id}`, { sms_opt_in: true });
      expect(patched.body.sms_opt_in).toBe(true);
      expect((await app.delete(`/api/accounts/${created.body.id}`)).status).toBe(204);
      expect((await app.get(`/api/accounts/${created.body.id}`)).status).toBe(404);
    });

    it('requires a name', async () => {
      const res = await app.post('/api/accounts', { phone_office: '+33 1 23 45 67 89' });
      expect(res.status).toBe(422);
      expect(res.body.error.details[0].field).toBe('name');
    });
  });

  describe('lists, search, filters and pagination', () => {
    const city = `City${Date.now()}`;
    beforeAll(async () => {
      for (let i = 0; i < 5; i++) {
        await createContact(app, {
          first_name: `Pag${i}`,
          last_name: `Searchable_${i}`,
          primary_address_city: city,
          sms_opt_in: i % 2 === 0,
        });
      }
    });

    it('filters by field and pages through the results', async () => {
      const first = await app.get(`/api/contacts?primary_address_city=${city}&per_page=2`);
      expect(first.status).toBe(200);
      expect(first.body.total).toBe(5);
      expect(first.body.data).toHaveLength(2);
      const third = await app.get(`/api/contacts?primary_address_city=${city}&per_page=2&page=3`);
      expect(third.body.data).toHaveLength(1);
      const ids = new Set<string>();
      for (let page = 1; page <= 3; page++) {
        const res = await app.get(
          `/api/contacts?primary_address_city=${city}&per_page=2&page=${page}`,
        );
        res.body.data.forEach((c: { id: string }) => ids.add(c.id));
      }
      expect(ids.size).toBe(5);
    });

    it('filters on sms_opt_in and combines with q', async () => {
      const opted = await app.get(`/api/contacts?primary_address_city=${city}&sms_opt_in=true`);
      expect(opted.body.total).toBe(3);
      const q = await app.get(`/api/contacts?q=searchable_4&primary_address_city=${city}`);
      expect(q.body.total).toBe(1);
      expect(q.body.data[0].last_name).toBe('Searchable_4');
    });

    it('treats % and _ in q literally', async () => {
      const res = await app.get(`/api/contacts?q=${encodeURIComponent('%')}`);
      expect(res.status).toBe(200);
      expect(res.body.total).toBe(0);
    });

    it('finds a record by its number typed any way', async () => {
      const phone = uniqueMobile();
      await createContact(app, { phone_mobile: phone, last_name: 'ByPhone' });
      const spaced = phone.replace(/^\+33(\d)(\d{2})(\d{2})(\d{2})(\d{2})$/, '+33 $1 $2 $3 $4 $5');
      const res = await app.get(`/api/contacts?phone_mobile=${encodeURIComponent(spaced)}`);
      expect(res.body.total).toBe(1);
      expect(res.body.data[0].last_name).toBe('ByPhone');
    });

    it('does not list deleted records', async () => {
      const contact = await createContact(app, { primary_address_city: `${city}-deleted` });
      await app.delete(`/api/contacts/${contact.id}`);
      const res = await app.get(`/api/contacts?primary_address_city=${city}-deleted`);
      expect(res.body.total).toBe(0);
    });

    it('refuses unknown filters and bad paging values, naming them', async () => {
      const res = await app.get('/api/contacts?colour=blue&page=0&per_page=1000&sms_opt_in=maybe');
      expect(res.status).toBe(422);
      const fields = res.body.error.details.map((d: { field: string }) => d.field).sort();
      expect(fields).toEqual(['page', 'per_page']);
      const filters = await app.get('/api/contacts?colour=blue&sms_opt_in=maybe');
      expect(filters.status).toBe(422);
      expect(filters.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual([
        'colour',
        'sms_opt_in',
      ]);
    });
  });
});
