import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { SmsMessage } from '../../entities/sms-message.entity';
import { MessageClaimer } from '../../src/services/dispatch/message-claimer';
import { SharedRateLimiter } from '../../src/services/dispatch/rate-limiter';
import { startFakeGateway } from '../fakes';
import type { StartedFakeGateway } from '../fakes';
import { createContact } from '../factories/records';
import { describeEachEngine, TestApp } from '../support/test-app';
import type { Json } from '../support/test-app';

/** A port nothing listens on: connections to it are refused before anything is sent. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const FAST_RETRIES = {
  SMS_RATE_PER_SECOND: '0',
  SMS_RETRY_BASE_MS: '50',
  SMS_RETRY_MAX_MS: '200',
  SMS_MAX_ATTEMPTS: '3',
  SMS_GATEWAY_TIMEOUT_MS: '1000',
};

const later = (ms: number) => new Date(Date.now() + ms);

describeEachEngine('dispatching through Twilio', (engine) => {
  let twilio: StartedFakeGateway;
  let app: TestApp;
  beforeAll(async () => {
    twilio = await startFakeGateway('twilio');
    app = await TestApp.start(engine, { ...twilio.env, ...FAST_RETRIES });
  });
  afterAll(async () => {
    await app.close();
    await twilio.fake.close();
  });
  beforeEach(() => twilio.fake.reset());

  async function queue(fields: Json = {}, body = 'Hello {{ contact.first_name }}'): Promise<Json> {
    const contact = await createContact(app, fields.contact ?? {});
    const res = await app.post(`/api/contacts/${contact.id}/sms-messages`, {
      body,
      status: 'send_sms',
      ...(fields.send_date ? { send_date: fields.send_date } : {}),
    });
    expect(res.status).toBe(201);
    return { ...res.body, contact };
  }
  const dispatch = (now?: Date) => app.server.sending.dispatcher.dispatchDue(now);
  const read = async (id: string) => (await app.get(`/api/sms-messages/${id}`)).body;

  it("sends a due message and records Twilio's id", async () => {
    const message = await queue();
    expect(await dispatch()).toMatchObject({ claimed: 1, sent: 1 });
    const sent = await read(message.id);
    expect(sent).toMatchObject({
      status: 'sent',
      provider: 'twilio',
      attempts: 1,
      error_code: null,
    });
    expect(sent.provider_message_id).toMatch(/^SM[0-9a-f]{32}$/);
    expect(sent.sent_at).not.toBeNull();
    expect(twilio.fake.accepted).toHaveLength(1);
    expect(twilio.fake.accepted[0]).toMatchObject({
      id: sent.provider_message_id,
      to: message.to,
      body: 'Hello Ada',
    });
    expect(await dispatch()).toMatchObject({ claimed: 0 });
  });

  it("fails a permanent error at once, with Twilio's code, and never retries", async () => {
    const message = await queue();
    twilio.fake.script({
      status: 400,
      body: {
        code: 21211,
        message: `The 'To' number ${message.to} is not a valid phone number.`,
        more_info: 'https://www.twilio.com/docs/errors/21211',
        status: 400,
      },
    });
    expect(await dispatch()).toMatchObject({ claimed: 1, failed: 1 });
    const failed = await read(message.id);
    expect(failed).toMatchObject({ status: 'failed', error_code: '21211', attempts: 1 });
    expect(failed.error_message).toContain('is not a valid phone number');
    expect(await dispatch(later(3_600_000))).toMatchObject({ claimed: 0 });
    expect(twilio.fake.requests).toHaveLength(1);
  });

  it('honours 429 Retry-After, then sends: exactly two requests', async () => {
    const message = await queue();
    twilio.fake.script({
      status: 429,
      headers: { 'Retry-After': '2' },
      body: { code: 20429, message: 'Too Many Requests', more_info: '', status: 429 },
    });
    const before = Date.now();
    expect(await dispatch()).toMatchObject({ retried: 1 });
    const waiting = app.server.dataSource.getRepository(SmsMessage);
    const row = await waiting.findOneByOrFail({ id: message.id });
    expect(row.status).toBe('send_sms');
    expect(row.error_code).toBe('20429');
    expect(row.due_at.getTime()).toBeGreaterThanOrEqual(before + 2_000);
    // Not before Retry-After...
    expect(await dispatch(later(1_000))).toMatchObject({ claimed: 0 });
    // ...and sent after it.
    expect(await dispatch(later(2_500))).toMatchObject({ sent: 1 });
    expect(await read(message.id)).toMatchObject({ status: 'sent', attempts: 2, error_code: null });
    expect(twilio.fake.requests).toHaveLength(2);
  });

  it('retries a 503 and sends on the next attempt', async () => {
    const message = await queue();
    twilio.fake.script({ status: 503, body: 'Service Unavailable' });
    expect(await dispatch()).toMatchObject({ retried: 1 });
    expect(await dispatch(later(1_000))).toMatchObject({ sent: 1 });
    expect(await read(message.id)).toMatchObject({ status: 'sent', attempts: 2 });
    expect(twilio.fake.requests).toHaveLength(2);
  });

  it('does not send to a record that opted out after the message was queued', async () => {
    const message = await queue();
    await app.patch(`/api/contacts/${message.contact.id}`, { sms_opt_in: false });
    expect(await dispatch()).toMatchObject({ claimed: 1, failed: 1, sent: 0 });
    expect(await read(message.id)).toMatchObject({ status: 'failed', error_code: 'not_opted_in' });
    expect(twilio.fake.requests).toHaveLength(0);
  });

  it('does not send to a number that changed or a record that was deleted', async () => {
    const changed = await queue();
    await app.patch(`/api/contacts/${changed.contact.id}`, { phone_mobile: '+33 6 99 88 77 66' });
    const deleted = await queue();
    await app.delete(`/api/contacts/${deleted.contact.id}`);
    await dispatch();
    expect(await read(changed.id)).toMatchObject({
      status: 'failed',
      error_code: 'number_changed',
    });
    expect(await read(deleted.id)).toMatchObject({
      status: 'failed',
      error_code: 'record_deleted',
    });
    expect(twilio.fake.requests).toHaveLength(0);
  });

  it('does not send a message before its send date', async () => {
    const inOneHour = new Date(Date.now() + 3_600_000);
    const message = await queue({ send_date: inOneHour.toISOString() });
    expect(await dispatch()).toMatchObject({ claimed: 0 });
    expect(await dispatch(new Date(inOneHour.getTime() - 1_000))).toMatchObject({ claimed: 0 });
    expect(twilio.fake.requests).toHaveLength(0);
    expect(await dispatch(new Date(inOneHour.getTime() + 1_000))).toMatchObject({ sent: 1 });
    expect((await read(message.id)).status).toBe('sent');
  });

  it('never resends a message whose send timed out after reaching Twilio', async () => {
    const message = await queue();
    twilio.fake.script({ action: 'process', after: 'hang' });
    expect(await dispatch()).toMatchObject({ failed: 1 });
    const failed = await read(message.id);
    expect(failed).toMatchObject({ status: 'failed', error_code: 'outcome_unknown' });
    expect(failed.error_message).toContain('not sent again');
    expect(twilio.fake.accepted).toHaveLength(1);
    expect(await dispatch(later(3_600_000))).toMatchObject({ claimed: 0 });
  });

  it('settles a message abandoned by a crashed worker as outcome_unknown, without resending', async () => {
    const message = await queue();
    // A worker claims it and dies before recording anything.
    const claimer = new MessageClaimer(app.server.dataSource, 60);
    expect(await claimer.claimDue(10)).toHaveLength(1);
    expect((await read(message.id)).status).toBe('sending');
    // While the lease runs, recovery leaves it alone.
    expect(await app.server.sending.recovery.recover()).toBe(0);
    expect(await app.server.sending.recovery.recover(later(61_000))).toBe(1);
    expect(await read(message.id)).toMatchObject({
      status: 'failed',
      error_code: 'outcome_unknown',
    });
    expect(twilio.fake.requests).toHaveLength(0);
  });

  it('expires a message that could not be sent within the validity period', async () => {
    const message = await queue({ send_date: new Date(Date.now() - 25 * 3_600_000).toISOString() });
    await app.server.sending.jobs.expiry.run();
    expect(await read(message.id)).toMatchObject({ status: 'expired', error_code: 'expired' });
    expect(await dispatch()).toMatchObject({ claimed: 0 });
  });

  describe('send as test', () => {
    it('sends at once to a typed number and keeps it in the log as a test', async () => {
      const res = await app.post('/api/sms-test', {
        to: '+33 6 00 00 00 01',
        body: 'Test for {{ contact.first_name }}',
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        status: 'sent',
        is_test: true,
        to: '+33600000001',
        body: 'Test for [First name]',
        parent_type: null,
        provider: 'twilio',
      });
      expect(twilio.fake.accepted.map((m) => m.to)).toEqual(['+33600000001']);
      const log = await app.get('/api/sms-messages?number=%2B33600000001');
      expect(log.body.data[0].id).toBe(res.body.id);
    });

    it('renders for a record when given one', async () => {
      const contact = await createContact(app, { first_name: 'Rita' });
      const res = await app.post('/api/sms-test', {
        to: '+33 6 00 00 00 02',
        body: 'Hi {{ contact.first_name }}',
        module: 'contacts',
        record_id: contact.id,
      });
      expect(res.body).toMatchObject({ status: 'sent', body: 'Hi Rita', parent_id: contact.id });
    });

    it("answers with the provider's error, without retrying", async () => {
      twilio.fake.script({ status: 503, body: 'Service Unavailable' });
      const res = await app.post('/api/sms-test', { to: '+33 6 00 00 00 03', body: 'x' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ status: 'failed', error_code: 'http_503' });
      expect(twilio.fake.requests).toHaveLength(1);
    });

    it('refuses a bad number and sales users', async () => {
      const bad = await app.post('/api/sms-test', { to: '0600000004', body: 'x' });
      expect(bad.status).toBe(422);
      expect(bad.body.error.details[0].field).toBe('to');
      const sales = await app.userToken('sales');
      const forbidden = await app.post(
        '/api/sms-test',
        { to: '+33 6 00 00 00 05', body: 'x' },
        { token: sales },
      );
      expect(forbidden.status).toBe(403);
      expect(twilio.fake.requests).toHaveLength(0);
    });
  });
});

describeEachEngine('dispatching when the gateway cannot be reached', (engine) => {
  let app: TestApp;
  beforeAll(async () => {
    const twilio = await startFakeGateway('twilio');
    const env = { ...twilio.env, TWILIO_BASE_URL: `http://127.0.0.1:${await closedPort()}` };
    await twilio.fake.close();
    app = await TestApp.start(engine, { ...env, ...FAST_RETRIES });
  });
  afterAll(async () => {
    await app.close();
  });

  it('retries a refused connection up to SMS_MAX_ATTEMPTS, then fails', async () => {
    const contact = await createContact(app);
    const created = await app.post(`/api/contacts/${contact.id}/sms-messages`, {
      body: 'x',
      status: 'send_sms',
    });
    const dispatcher = app.server.sending.dispatcher;
    expect(await dispatcher.dispatchDue()).toMatchObject({ retried: 1 });
    expect(await dispatcher.dispatchDue(later(1_000))).toMatchObject({ retried: 1 });
    expect(await dispatcher.dispatchDue(later(2_000))).toMatchObject({ failed: 1 });
    const failed = (await app.get(`/api/sms-messages/${created.body.id}`)).body;
    expect(failed).toMatchObject({ status: 'failed', attempts: 3, error_code: 'ECONNREFUSED' });
    expect(failed.error_message).toContain('gave up after 3 attempts');
  });
});

describeEachEngine('dispatching through BulkSMS', (engine) => {
  let bulksms: StartedFakeGateway;
  let app: TestApp;
  beforeAll(async () => {
    bulksms = await startFakeGateway('bulksms');
    app = await TestApp.start(engine, { ...bulksms.env, ...FAST_RETRIES });
  });
  afterAll(async () => {
    await app.close();
    await bulksms.fake.close();
  });
  beforeEach(() => bulksms.fake.reset());

  async function queue(): Promise<Json> {
    const contact = await createContact(app);
    return (
      await app.post(`/api/contacts/${contact.id}/sms-messages`, { body: 'x', status: 'send_sms' })
    ).body;
  }

  it('recognises a send whose answer was lost: sent, once', async () => {
    const message = await queue();
    bulksms.fake.script({ action: 'process', after: 'hang' });
    expect(await app.server.sending.dispatcher.dispatchDue()).toMatchObject({ sent: 1 });
    const sent = (await app.get(`/api/sms-messages/${message.id}`)).body;
    expect(sent.status).toBe('sent');
    expect(sent.provider_message_id).toBe(bulksms.fake.accepted[0].id);
    expect(bulksms.fake.accepted).toHaveLength(1);
  });

  it('after a crash, sends a message the provider never got, and only that one', async () => {
    const never = await queue();
    const claimer = new MessageClaimer(app.server.dataSource, 60);
    await claimer.claimDue(10);
    expect(await app.server.sending.recovery.recover(later(61_000))).toBe(1);
    expect((await app.get(`/api/sms-messages/${never.id}`)).body.status).toBe('send_sms');
    await app.server.sending.dispatcher.dispatchDue(later(62_000));
    expect((await app.get(`/api/sms-messages/${never.id}`)).body.status).toBe('sent');
    expect(bulksms.fake.accepted).toHaveLength(1);
  });
});

describeEachEngine('shared rate limit', (engine) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await TestApp.start(engine);
  });
  afterAll(async () => {
    await app.close();
  });

  it('hands out non-overlapping slots to several workers', async () => {
    let clock = 1_000_000;
    const now = () => clock;
    const a = new SharedRateLimiter(app.server.dataSource, 'shared-test', 50, now);
    const b = new SharedRateLimiter(app.server.dataSource, 'shared-test', 50, now);
    const slots = [...(await a.reserve(3)), ...(await b.reserve(2)), ...(await a.reserve(1))];
    expect(slots).toEqual([1_000_000, 1_000_020, 1_000_040, 1_000_060, 1_000_080, 1_000_100]);
    clock = 2_000_000; // idle for a while: no burst is saved up
    expect(await b.reserve(2)).toEqual([2_000_000, 2_000_020]);
  });
});
