import { createHmac } from 'node:crypto';
import { startFakeGateway } from '../fakes';
import type { StartedFakeGateway } from '../fakes';
import { createContact } from '../factories/records';
import { describeEachEngine, TestApp } from '../support/test-app';
import type { Json } from '../support/test-app';

const PUBLIC_URL = 'https://sms.example.com';
const WEBHOOK_TOKEN = 'webhook-secret-0123456789';

/** X-Twilio-Signature by Twilio's published algorithm, written out independently of src/. */
function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, key) => acc + key + params[key], url);
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf-8')).digest('base64');
}

describeEachEngine('provider webhooks', (engine) => {
  let twilio: StartedFakeGateway;
  let app: TestApp;
  beforeAll(async () => {
    twilio = await startFakeGateway('twilio');
    app = await TestApp.start(engine, {
      ...twilio.env,
      SMS_RATE_PER_SECOND: '0',
      PUBLIC_URL,
      WEBHOOK_TOKEN,
    });
  });
  afterAll(async () => {
    await app.close();
    await twilio.fake.close();
  });

  const authToken = () => twilio.env.TWILIO_AUTH_TOKEN;
  const postForm = (path: string, params: Record<string, string>, signature?: string | null) => {
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
    };
    if (signature !== null) {
      headers['x-twilio-signature'] =
        signature ?? twilioSignature(authToken(), PUBLIC_URL + path, params);
    }
    return app.request('POST', path, undefined, {
      token: null,
      headers,
      raw: new URLSearchParams(params).toString(),
    });
  };
  const inboundStop = (from: string) => ({
    MessageSid: `SM${Math.random().toString(16).slice(2).padEnd(32, '0').slice(0, 32)}`,
    AccountSid: twilio.env.TWILIO_ACCOUNT_SID,
    From: from,
    To: '+15005550006',
    Body: 'STOP',
    NumSegments: '1',
  });

  it('acts on a signed Twilio reply', async () => {
    const contact = await createContact(app);
    const res = await postForm('/webhooks/twilio/inbound', inboundStop(contact.phone_mobile));
    expect(res.status).toBe(200);
    expect(String(res.body)).toContain('<Response');
    expect((await app.get(`/api/contacts/${contact.id}`)).body.sms_opt_in).toBe(false);
  });

  it('refuses a reply without a signature (400) or with a wrong one (403), changing nothing', async () => {
    const contact = await createContact(app);
    const params = inboundStop(contact.phone_mobile);
    const missing = await postForm('/webhooks/twilio/inbound', params, null);
    expect(missing.status).toBe(400);
    const forged = await postForm(
      '/webhooks/twilio/inbound',
      params,
      twilioSignature('not-the-auth-token', PUBLIC_URL + '/webhooks/twilio/inbound', params),
    );
    expect(forged.status).toBe(403);
    // Signed for other parameters: the body was tampered with.
    const tampered = await postForm(
      '/webhooks/twilio/inbound',
      { ...params, Body: 'STOP' },
      twilioSignature(authToken(), PUBLIC_URL + '/webhooks/twilio/inbound', {
        ...params,
        Body: 'hello',
      }),
    );
    expect(tampered.status).toBe(403);
    expect((await app.get(`/api/contacts/${contact.id}`)).body.sms_opt_in).toBe(true);
    expect((await app.get(`/api/contacts/${contact.id}/inbound-sms`)).body.total).toBe(0);
  });

  it('applies a signed Twilio status callback, and a replay changes nothing', async () => {
    const contact = await createContact(app);
    const created = await app.post(`/api/contacts/${contact.id}/sms-messages`, {
      body: 'x',
      status: 'send_sms',
    });
    await app.server.sending.dispatcher.dispatchDue();
    const sent = (await app.get(`/api/sms-messages/${created.body.id}`)).body;
    // The status callback URL was sent to Twilio with the message.
    const request = twilio.fake.requests.at(-1);
    expect((request?.body as Json).StatusCallback).toBe(`${PUBLIC_URL}/webhooks/twilio/status`);
    const callback = {
      MessageSid: sent.provider_message_id,
      MessageStatus: 'undelivered',
      ErrorCode: '30003',
      AccountSid: twilio.env.TWILIO_ACCOUNT_SID,
      To: sent.to,
      From: '+15005550006',
    };
    for (let i = 0; i < 2; i++) {
      const res = await postForm('/webhooks/twilio/status', callback);
      expect(res.status).toBeLessThan(300);
    }
    const after = (await app.get(`/api/sms-messages/${created.body.id}`)).body;
    expect(after).toMatchObject({ status: 'undelivered', error_code: '30003' });
    expect(after.error_message).toMatch(/unreachable/i);
    const late = await postForm('/webhooks/twilio/status', {
      ...callback,
      MessageStatus: 'delivered',
      ErrorCode: '',
    });
    expect(late.status).toBeLessThan(300);
    expect((await app.get(`/api/sms-messages/${created.body.id}`)).body.status).toBe('undelivered');
  });

  it('authenticates unsigned providers by the token in the URL', async () => {
    const contact = await createContact(app);
    const body = {
      from: contact.phone_mobile,
      to: '+33700000000',
      text: 'stop please',
      message_id: 'mo-1',
    };
    const wrong = await app.post('/webhooks/http/inbound?token=guess', body, { token: null });
    expect(wrong.status).toBe(403);
    const none = await app.post('/webhooks/http/inbound', body, { token: null });
    expect(none.status).toBe(403);
    expect((await app.get(`/api/contacts/${contact.id}`)).body.sms_opt_in).toBe(true);
    const ok = await app.post(`/webhooks/http/inbound?token=${WEBHOOK_TOKEN}`, body, {
      token: null,
    });
    expect(ok.status).toBe(204);
    expect((await app.get(`/api/contacts/${contact.id}`)).body.sms_opt_in).toBe(false);
    const review = (await app.get('/api/inbound-sms?needs_review=true')).body.data;
    expect(review.map((m: Json) => m.body)).toContain('stop please');
  });

  it("answers 400 to a body that is not the provider's shape, 404 to an unknown provider", async () => {
    const bad = await app.post(
      `/webhooks/http/status?token=${WEBHOOK_TOKEN}`,
      { foo: 1 },
      {
        token: null,
      },
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('bad_request');
    const unknown = await app.post('/webhooks/nope/status', {}, { token: null });
    expect(unknown.status).toBe(404);
  });
});
