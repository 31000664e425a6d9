import { createHash } from 'node:crypto';
import { createContact, createTemplate } from '../factories/records';
import { ADMIN_TOKEN, describeEachEngine, TestApp } from '../support/test-app';
import type { Json } from '../support/test-app';

describeEachEngine('authentication and roles', (engine) => {
  let app: TestApp;
  let sales: string;
  let marketer: string;
  beforeAll(async () => {
    app = await TestApp.start(engine);
    sales = await app.userToken('sales');
    marketer = await app.userToken('marketer');
  });
  afterAll(async () => {
    await app.close();
  });

  it('answers /health without a token', async () => {
    const res = await app.get('/health', { token: null });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('refuses every /api route without a valid bearer token', async () => {
    for (const path of ['/api/contacts', '/api/sms-messages', '/api/users', '/api/nowhere']) {
      const none = await app.get(path, { token: null });
      expect(none.status).toBe(401);
      expect(none.body.error.code).toBe('unauthorized');
      const wrong = await app.get(path, { token: 'not-a-real-token' });
      expect(wrong.status).toBe(401);
    }
    const basic = await app.get('/api/contacts', {
      token: null,
      headers: { authorization: 'Basic YWRtaW46YWRtaW4=' },
    });
    expect(basic.status).toBe(401);
    expect(basic.body.error.message).toContain('Bearer');
  });

  it('lets the bootstrap admin from ADMIN_API_TOKEN in', async () => {
    const me = await app.get('/api/users/me');
    expect(me.status).toBe(200);
    expect(me.body.role).toBe('admin');
  });

  it('returns a new user token once and stores only its hash', async () => {
    const res = await app.post('/api/users', {
      email: 'Once@Example.com',
      name: 'Once',
      role: 'sales',
    });
    expect(res.status).toBe(201);
    expect(res.body.email).toBe('once@example.com');
    const token = res.body.api_token as string;
    expect(token.length).toBeGreaterThan(40);
    const read = await app.get(`/api/users/${res.body.id}`);
    expect(read.body.api_token).toBeUndefined();
    expect(JSON.stringify(read.body)).not.toContain(token);
    const rows = await app.server.dataSource.query(
      'SELECT api_token_hash FROM users WHERE email = ?',
      ['once@example.com'],
    );
    expect(rows[0].api_token_hash).toBe(createHash('sha256').update(token).digest('hex'));
    expect((await app.get('/api/users/me', { token })).body.email).toBe('once@example.com');
  });

  it('refuses a duplicate email with 409 and bad user input with 422', async () => {
    await app.post('/api/users', { email: 'dup@example.com', name: 'A', role: 'sales' });
    const dup = await app.post('/api/users', {
      email: 'DUP@example.com',
      name: 'B',
      role: 'sales',
    });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('conflict');
    const bad = await app.post('/api/users', { email: 'nope', name: '', role: 'boss' });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.map((d: Json) => d.field).sort()).toEqual([
      'email',
      'name',
      'role',
    ]);
  });

  it('rotates a token: the old one stops working at once', async () => {
    const created = await app.post('/api/users', {
      email: 'rotate@example.com',
      name: 'R',
      role: 'marketer',
    });
    const old = created.body.api_token;
    const rotated = await app.post(`/api/users/${created.body.id}/api-token`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.api_token).not.toBe(old);
    expect((await app.get('/api/users/me', { token: old })).status).toBe(401);
    expect((await app.get('/api/users/me', { token: rotated.body.api_token })).status).toBe(200);
  });

  it('deactivating a user locks its token out', async () => {
    const created = await app.post('/api/users', {
      email: 'leaver@example.com',
      name: 'L',
      role: 'sales',
    });
    await app.patch(`/api/users/${created.body.id}`, { active: false });
    expect((await app.get('/api/users/me', { token: created.body.api_token })).status).toBe(401);
  });

  it('keeps at least one admin: an admin cannot demote or deactivate itself', async () => {
    const me = await app.get('/api/users/me');
    const res = await app.patch(`/api/users/${me.body.id}`, { role: 'sales' });
    expect(res.status).toBe(409);
    expect((await app.get('/api/users/me')).body.role).toBe('admin');
  });

  describe('what each role may do', () => {
    it('sales read records and write single messages, nothing more', async () => {
      const contact = await createContact(app);
      const template = await createTemplate(app);
      expect((await app.get('/api/contacts', { token: sales })).status).toBe(200);
      expect((await app.get(`/api/contacts/${contact.id}`, { token: sales })).status).toBe(200);
      expect((await app.get('/api/sms-templates', { token: sales })).status).toBe(200);
      const message = await app.post(
        `/api/contacts/${contact.id}/sms-messages`,
        { body: 'hi', status: 'draft' },
        { token: sales },
      );
      expect(message.status).toBe(201);
      const cancel = await app.patch(
        `/api/sms-messages/${message.body.id}`,
        { status: 'cancelled' },
        { token: sales },
      );
      expect(cancel.status).toBe(200);

      const forbidden: Array<[string, string, Json?]> = [
        ['POST', '/api/contacts', { last_name: 'X' }],
        ['PATCH', `/api/contacts/${contact.id}`, { first_name: 'Y' }],
        ['DELETE', `/api/contacts/${contact.id}`],
        ['POST', '/api/sms-templates', { name: 'n', module: 'contacts', body: 'b' }],
        ['PATCH', `/api/sms-templates/${template.id}`, { name: 'n2' }],
        ['DELETE', `/api/sms-templates/${template.id}`],
        [
          'POST',
          '/api/sms-campaigns',
          { name: 'c', send_date: '2030-01-01T00:00:00Z', module: 'contacts' },
        ],
        ['GET', '/api/users'],
        ['POST', '/api/users', { email: 'x@example.com', name: 'x', role: 'admin' }],
      ];
      for (const [method, path, body] of forbidden) {
        const res = await app.request(method, path, body, { token: sales });
        expect({ method, path, status: res.status }).toEqual({ method, path, status: 403 });
        expect(res.body.error.code).toBe('forbidden');
      }
      // Nothing was changed by the refused calls.
      expect((await app.get(`/api/contacts/${contact.id}`)).body.first_name).toBe('Ada');
      expect((await app.get(`/api/sms-templates/${template.id}`)).status).toBe(200);
    });

    it('marketers also manage templates and campaigns, but not users or records', async () => {
      const template = await app.post(
        '/api/sms-templates',
        { name: 'Promo', module: 'contacts', body: 'Promo for {{ contact.first_name }}' },
        { token: marketer },
      );
      expect(template.status).toBe(201);
      const campaign = await app.post(
        '/api/sms-campaigns',
        {
          name: 'Winter',
          send_date: '2030-12-01T09:00:00Z',
          module: 'contacts',
          template_id: template.body.id,
        },
        { token: marketer },
      );
      expect(campaign.status).toBe(201);
      expect((await app.get('/api/users', { token: marketer })).status).toBe(403);
      expect(
        (await app.post('/api/contacts', { last_name: 'M' }, { token: marketer })).status,
      ).toBe(403);
    });

    it('admins may do everything', async () => {
      expect((await app.get('/api/users', { token: ADMIN_TOKEN })).status).toBe(200);
      expect((await app.post('/api/contacts', { last_name: 'Admin-made' })).status).toBe(201);
    });
  });
});
