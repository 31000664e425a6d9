import { describeEachEngine, TestApp } from '../support/test-app';

describeEachEngine('bad input never gets a 500', (engine) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await TestApp.start(engine, { HTTP_BODY_LIMIT: '10kb' });
  });
  afterAll(async () => {
    await app.close();
  });

  it('answers malformed JSON with 400 bad_request', async () => {
    const res = await app.post('/api/contacts', undefined, { raw: '{"last_name": "x",' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: { code: 'bad_request', message: 'the request body is not valid JSON' },
    });
  });

  it('answers a JSON array or scalar body with 400', async () => {
    for (const raw of ['[1,2]', '"text"', '42', 'null']) {
      const res = await app.post('/api/contacts', undefined, { raw });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('bad_request');
    }
  });

  it('answers a body that is not JSON with 415', async () => {
    const res = await app.post('/api/contacts', undefined, {
      raw: 'last_name=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe('unsupported_media_type');
  });

  it('answers an oversized body with 413 and stores nothing', async () => {
    const res = await app.post('/api/contacts', { last_name: 'Big', title: 'x'.repeat(20_000) });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
    const list = await app.get('/api/contacts?last_name=Big');
    expect(list.body.total).toBe(0);
  });

  it('answers over-long fields with 422 naming them', async () => {
    const res = await app.post('/api/contacts', { last_name: 'x'.repeat(101) });
    expect(res.status).toBe(422);
    expect(res.body.error.details[0].field).toBe('last_name');
  });

  it('answers unknown ids and routes with 404 not_found', async () => {
    for (const path of [
      '/api/contacts/does-not-exist',
      '/api/accounts/00000000-0000-4000-8000-000000000000',
      '/api/sms-messages/x',
      '/api/sms-templates/x',
      '/api/sms-campaigns/x',
      '/api/users/x',
      '/api/nothing-here',
    ]) {
      const res = await app.get(path);
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
      expect(res.body.error.code).toBe('not_found');
    }
  });

  it('refuses a repeated query parameter instead of guessing', async () => {
    const res = await app.get('/api/contacts?last_name=a&last_name=b');
    expect(res.status).toBe(422);
    expect(res.body.error.details[0].field).toBe('last_name');
  });

  it('survives odd but harmless input', async () => {
    const unicode = await app.post('/api/contacts', {
      last_name: 'Ñandú 😀 <b>',
      first_name: "O'Brien",
    });
    expect(unicode.status).toBe(201);
    expect(unicode.body.last_name).toBe('Ñandú 😀 <b>');
    const injection = await app.get(`/api/contacts?q=${encodeURIComponent("' OR 1=1 --")}`);
    expect(injection.status).toBe(200);
    expect(injection.body.total).toBe(0);
  });
});

describeEachEngine('edge cases found while documenting the API', (engine) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await TestApp.start(engine);
  });
  afterAll(async () => {
    await app.close();
  });

  it('refuses sms_opt_in: null instead of failing on the NOT NULL column', async () => {
    const res = await app.post('/api/contacts', { last_name: 'N', sms_opt_in: null });
    expect(res.status).toBe(422);
    expect(res.body.error.details[0].field).toBe('sms_opt_in');
  });

  it('refuses names made only of spaces', async () => {
    const contact = await app.post('/api/contacts', { last_name: '   ' });
    expect(contact.status).toBe(422);
    const template = await app.post('/api/sms-templates', {
      name: '  ',
      module: 'contacts',
      body: 'x',
    });
    expect(template.status).toBe(422);
    expect(template.body.error.details[0].field).toBe('name');
  });

  it('refuses days that do not exist instead of rolling them over', async () => {
    const res = await app.get('/api/sms-messages?from=2026-02-30');
    expect(res.status).toBe(422);
    expect(res.body.error.details[0].field).toBe('from');
    const contact = await app.post('/api/contacts', {
      last_name: 'D',
      phone_mobile: '+33 6 55 44 33 22',
      sms_opt_in: true,
    });
    const sms = await app.post(`/api/contacts/${contact.body.id}/sms-messages`, {
      body: 'x',
      status: 'draft',
      send_date: '2026-02-30T10:00:00+01:00',
    });
    expect(sms.status).toBe(422);
    expect(sms.body.error.details[0].field).toBe('send_date');
  });

  it('reads a JSON request without a body as an empty object', async () => {
    const contact = await app.post('/api/contacts', { last_name: 'Empty' });
    const res = await app.request('PATCH', `/api/contacts/${contact.body.id}`, undefined, {
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(200);
    expect(res.body.last_name).toBe('Empty');
    const create = await app.request('POST', '/api/contacts', undefined, {
      headers: { 'content-type': 'application/json' },
    });
    expect(create.status).toBe(422);
    expect(create.body.error.details[0].field).toBe('last_name');
  });

  it('checks the token before reading the body', async () => {
    const res = await app.post('/api/contacts', undefined, { token: null, raw: '{not json' });
    expect(res.status).toBe(401);
  });
});
