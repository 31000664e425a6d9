import { startFakeGateway } from '../fakes';
import type { StartedFakeGateway } from '../fakes';
import { createAccount, createContact, createTemplate, uniqueMobile } from '../factories/records';
import { describeEachEngine, TestApp } from '../support/test-app';
import type { Json } from '../support/test-app';

describeEachEngine('consent: opt-outs, suppression and the consent log', (engine) => {
  let twilio: StartedFakeGateway;
  let app: TestApp;
  beforeAll(async () => {
    twilio = await startFakeGateway('twilio');
    app = await TestApp.start(engine, {
      ...twilio.env,
      SMS_RATE_PER_SECOND: '0',
      SMS_HELP_REPLY: 'Acme SMS: help at acme.example. Reply STOP to opt out.',
      SMS_PRICE_PER_SEGMENT: '0.05',
    });
  });
  afterAll(async () => {
    await app.close();
    await twilio.fake.close();
  });
  beforeEach(() => twilio.fake.reset());

  const reply = (from: string, text: string, providerMessageId: string | null = null) =>
    app.server.services.inbound.receive('twilio', {
      providerMessageId,
      from,
      to: '+15005550006',
      text,
      receivedAt: null,
    });
  const logOf = async (module: string, id: string) =>
    (await app.get(`/api/${module}/${id}/consent-log`)).body.data as Json[];

  it('logs consent given at creation and every change, with who and how', async () => {
    const me = (await app.get('/api/users/me')).body;
    const contact = await createContact(app, { sms_opt_in: true });
    await app.patch(`/api/contacts/${contact.id}`, { title: 'Dr' }); // not a consent change
    await app.patch(`/api/contacts/${contact.id}`, { sms_opt_in: false });
    const log = await logOf('contacts', contact.id);
    expect(log.map((e) => [e.old_value, e.new_value, e.source, e.user_id, e.phone])).toEqual([
      [true, false, 'api', me.id, contact.phone_mobile],
      [null, true, 'api', me.id, contact.phone_mobile],
    ]);
    const byPhone = await app.get(
      `/api/consent-log?phone=${encodeURIComponent(contact.phone_mobile)}`,
    );
    expect(byPhone.body.total).toBe(2);
  });

  it('keeps the consent log append-only, even against direct SQL', async () => {
    const contact = await createContact(app);
    const [entry] = await logOf('contacts', contact.id);
    const ds = app.server.dataSource;
    await expect(
      ds.query('UPDATE sms_consent_log SET new_value = 0 WHERE id = ?', [entry.id]),
    ).rejects.toThrow(/append-only/);
    await expect(ds.query('DELETE FROM sms_consent_log WHERE id = ?', [entry.id])).rejects.toThrow(
      /append-only/,
    );
    expect((await app.request('DELETE', `/api/consent-log/${entry.id}`)).status).toBe(404);
    expect((await app.patch(`/api/consent-log/${entry.id}`, { new_value: false })).status).toBe(
      404,
    );
    expect(await logOf('contacts', contact.id)).toHaveLength(1);
  });

  it('STOP opts the number out on every record, suppresses it and logs the keyword', async () => {
    const phone = uniqueMobile();
    const contact = await createContact(app, { phone_mobile: phone });
    const account = await createAccount(app, { phone_office: phone });
    const outcome = await reply(phone, 'Stop!');
    expect(outcome).toMatchObject({ keyword: 'stop', needsReview: false, duplicate: false });
    expect((await app.get(`/api/contacts/${contact.id}`)).body.sms_opt_in).toBe(false);
    expect((await app.get(`/api/accounts/${account.id}`)).body.sms_opt_in).toBe(false);
    const [latest] = await logOf('accounts', account.id);
    expect(latest).toMatchObject({
      old_value: true,
      new_value: false,
      source: 'keyword',
      user_id: null,
    });
    expect(latest.detail).toContain('Stop!');
    const suppressions = (await app.get('/api/suppressions')).body.data;
    expect(suppressions.map((s: Json) => s.phone)).toContain(phone);
    const inbound = (await app.get(`/api/contacts/${contact.id}/inbound-sms`)).body.data;
    expect(inbound[0]).toMatchObject({ from: phone, body: 'Stop!', keyword: 'stop' });
  });

  it('every send path refuses a suppressed number', async () => {
    const phone = uniqueMobile();
    const contact = await createContact(app, { phone_mobile: phone });
    // Queued before the STOP…
    const queued = await app.post(`/api/contacts/${contact.id}/sms-messages`, {
      body: 'queued before',
      status: 'send_sms',
    });
    await reply(phone, 'STOP');
    // …not sent after it.
    await app.server.sending.dispatcher.dispatchDue();
    expect((await app.get(`/api/sms-messages/${queued.body.id}`)).body).toMatchObject({
      status: 'failed',
      error_code: 'suppressed',
    });
    // Staff cannot switch it back on; a new record with the number cannot be opted in.
    const again = await app.patch(`/api/contacts/${contact.id}`, { sms_opt_in: true });
    expect(again.status).toBe(422);
    expect(again.body.error.code).toBe('suppressed');
    const other = await app.post('/api/contacts', {
      last_name: 'Same number',
      phone_mobile: phone,
      sms_opt_in: true,
    });
    expect(other.body.error.code).toBe('suppressed');
    // A test send is refused too.
    const test = await app.post('/api/sms-test', { to: phone, body: 'test' });
    expect(test.body.error.code).toBe('suppressed');
    expect(twilio.fake.requests).toHaveLength(0);
  });

  it('a campaign skips suppressed numbers', async () => {
    const template = await createTemplate(app);
    const kept = await createContact(app);
    const stopped = await createContact(app);
    const campaign = (
      await app.post('/api/sms-campaigns', {
        name: 'Suppression',
        // Tomorrow: its message must not be picked up by the dispatch runs of later tests.
        send_date: new Date(Date.now() + 86_400_000).toISOString(),
        module: 'contacts',
        template_id: template.id,
      })
    ).body;
    await app.post(`/api/sms-campaigns/${campaign.id}/recipients`, { ids: [kept.id, stopped.id] });
    // The record still says opted in (e.g. imported later), but the number said STOP.
    await reply(stopped.phone_mobile, 'stop');
    await app.server.dataSource.query('UPDATE contacts SET sms_opt_in = 1 WHERE id = ?', [
      stopped.id,
    ]);
    await app.patch(`/api/sms-campaigns/${campaign.id}`, { status: 'generate_all' });
    await app.server.sending.generator.generateNext();
    const summary = (await app.get(`/api/sms-campaigns/${campaign.id}`)).body;
    expect(summary.skipped).toEqual({ suppressed: 1 });
    expect(summary.counts).toEqual({ send_sms: 1 });
    expect(summary.estimated_cost).toEqual({
      amount: 0.05,
      currency: 'EUR',
      price_per_segment: 0.05,
    });
  });

  it('an opt-out inside a sentence is acted on and flagged for review', async () => {
    const contact = await createContact(app);
    const outcome = await reply(contact.phone_mobile, 'please stop texting me');
    expect(outcome).toMatchObject({ keyword: 'stop', needsReview: true });
    expect((await app.get(`/api/contacts/${contact.id}`)).body.sms_opt_in).toBe(false);
    const review = (await app.get('/api/inbound-sms?needs_review=true')).body.data;
    expect(review.map((m: Json) => m.body)).toContain('please stop texting me');
  });

  it('START restores the records the number itself opted out, not the others', async () => {
    const phone = uniqueMobile();
    const wasIn = await createContact(app, { phone_mobile: phone, sms_opt_in: true });
    const neverIn = await createContact(app, { phone_mobile: phone, sms_opt_in: false });
    await reply(phone, 'STOP');
    await reply(phone, 'start');
    expect((await app.get(`/api/contacts/${wasIn.id}`)).body.sms_opt_in).toBe(true);
    expect((await app.get(`/api/contacts/${neverIn.id}`)).body.sms_opt_in).toBe(false);
    const suppressions = (await app.get('/api/suppressions?per_page=200')).body.data;
    expect(suppressions.map((s: Json) => s.phone)).not.toContain(phone);
    const log = await logOf('contacts', wasIn.id);
    expect(log.map((e) => [e.new_value, e.source])).toEqual([
      [true, 'keyword'],
      [false, 'keyword'],
      [true, 'api'],
    ]);
  });

  it('HELP gets the configured help reply at once', async () => {
    const contact = await createContact(app);
    await reply(contact.phone_mobile, 'HELP');
    expect(twilio.fake.accepted.map((m) => [m.to, m.body])).toEqual([
      [contact.phone_mobile, 'Acme SMS: help at acme.example. Reply STOP to opt out.'],
    ]);
    expect((await app.get(`/api/contacts/${contact.id}`)).body.sms_opt_in).toBe(true);
  });

  it('a replayed reply is stored and acted on once', async () => {
    const contact = await createContact(app);
    const first = await reply(contact.phone_mobile, 'STOP', 'SM-replayed-1');
    const replay = await reply(contact.phone_mobile, 'STOP', 'SM-replayed-1');
    expect(first.duplicate).toBe(false);
    expect(replay.duplicate).toBe(true);
    expect((await app.get(`/api/contacts/${contact.id}/inbound-sms`)).body.total).toBe(1);
    expect(await logOf('contacts', contact.id)).toHaveLength(2);
  });

  it('a provider opt-out error (Twilio 21610) suppresses the number', async () => {
    const contact = await createContact(app);
    const queued = await app.post(`/api/contacts/${contact.id}/sms-messages`, {
      body: 'x',
      status: 'send_sms',
    });
    twilio.fake.script({
      status: 400,
      body: {
        code: 21610,
        message: 'Attempt to send to unsubscribed recipient',
        more_info: 'https://www.twilio.com/docs/errors/21610',
        status: 400,
      },
    });
    await app.server.sending.dispatcher.dispatchDue();
    expect((await app.get(`/api/sms-messages/${queued.body.id}`)).body).toMatchObject({
      status: 'failed',
      error_code: '21610',
    });
    expect((await app.get(`/api/contacts/${contact.id}`)).body.sms_opt_in).toBe(false);
    const [latest] = await logOf('contacts', contact.id);
    expect(latest).toMatchObject({ new_value: false, source: 'provider' });
    const suppressions = (await app.get('/api/suppressions?per_page=200')).body.data;
    expect(suppressions.find((s: Json) => s.phone === contact.phone_mobile)?.reason).toBe(
      'provider_opt_out',
    );
  });

  it('preview suggests GSM-7 replacements for characters that force UCS-2', async () => {
    const contact = await createContact(app);
    const res = await app.post('/api/sms-preview', {
      module: 'contacts',
      record_id: contact.id,
      body: 'It’s ready — see you…',
    });
    expect(res.body).toMatchObject({ encoding: 'UCS-2', segments: 1 });
    expect(res.body.gsm7_suggestions).toEqual([
      { char: '’', replacement: "'" },
      { char: '—', replacement: '-' },
      { char: '…', replacement: '...' },
    ]);
  });
});

describeEachEngine('delivery receipts', (engine) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await TestApp.start(engine, { SMS_RATE_PER_SECOND: '0' });
  });
  afterAll(async () => {
    await app.close();
  });

  /** A message sent through the log gateway, so it has a provider id to receive receipts for. */
  async function sentMessage(segments = 1): Promise<Json> {
    const contact = await createContact(app);
    const body = segments > 1 ? 'x'.repeat(153 * (segments - 1) + 10) : 'x';
    const created = await app.post(`/api/contacts/${contact.id}/sms-messages`, {
      body,
      status: 'send_sms',
    });
    await app.server.sending.dispatcher.dispatchDue();
    return (await app.get(`/api/sms-messages/${created.body.id}`)).body;
  }
  const receipt = (m: Json, status: string, extra: Json = {}) =>
    app.server.services.receipts.record('log', [
      {
        providerMessageId: m.provider_message_id,
        status,
        providerStatus: status.toUpperCase(),
        errorCode: null,
        reason: null,
        optOut: false,
        occurredAt: null,
        ...extra,
      },
    ]);
  const statusOf = async (m: Json) => (await app.get(`/api/sms-messages/${m.id}`)).body;

  it('moves a sent message to delivered, and replays change nothing', async () => {
    const m = await sentMessage();
    expect(m.status).toBe('sent');
    await receipt(m, 'delivered');
    await receipt(m, 'delivered');
    await receipt(m, 'sent'); // late "sent" report
    const after = await statusOf(m);
    expect(after.status).toBe('delivered');
    expect(after.delivered_at).not.toBeNull();
  });

  it('records undelivered with the provider code and reason', async () => {
    const m = await sentMessage();
    await receipt(m, 'undelivered', {
      errorCode: '30003',
      reason: 'Unreachable destination handset',
    });
    expect(await statusOf(m)).toMatchObject({
      status: 'undelivered',
      error_code: '30003',
      error_message: 'Unreachable destination handset',
    });
    await receipt(m, 'delivered'); // out of order: a failure is not undone
    expect((await statusOf(m)).status).toBe('undelivered');
  });

  it('never moves a delivered single-part message backwards', async () => {
    const m = await sentMessage();
    await receipt(m, 'delivered');
    await receipt(m, 'failed', { errorCode: '30008' });
    expect((await statusOf(m)).status).toBe('delivered');
  });

  it('for a multi-part message, a failed part wins', async () => {
    const m = await sentMessage(2);
    expect(m.segments).toBe(2);
    await receipt(m, 'delivered', { part: { index: 1, count: 2 } });
    await receipt(m, 'failed', { part: { index: 2, count: 2 }, errorCode: 'HANDSET_ERROR' });
    await receipt(m, 'delivered', { part: { index: 2, count: 2 } }); // replay, out of order
    expect(await statusOf(m)).toMatchObject({ status: 'failed', error_code: 'HANDSET_ERROR' });
  });

  it('keeps a receipt that arrives before the send is recorded, and applies it after', async () => {
    const contact = await createContact(app);
    const created = await app.post(`/api/contacts/${contact.id}/sms-messages`, {
      body: 'early',
      status: 'send_sms',
    });
    await app.server.services.receipts.record('log', [
      {
        providerMessageId: 'log-early-receipt',
        status: 'delivered',
        providerStatus: 'delivered',
        errorCode: null,
        reason: null,
        optOut: false,
        occurredAt: null,
      },
    ]);
    await app.server.dataSource.query(
      "UPDATE sms_messages SET status = 'sent', provider = 'log', provider_message_id = 'log-early-receipt' WHERE id = ?",
      [created.body.id],
    );
    await app.server.services.receipts.applyPending([
      {
        id: created.body.id,
        provider: 'log',
        provider_message_id: 'log-early-receipt',
      },
    ]);
    expect((await app.get(`/api/sms-messages/${created.body.id}`)).body.status).toBe('delivered');
  });

  it('an early opted-out receipt suppresses the number once its message is matched', async () => {
    const contact = await createContact(app);
    const created = await app.post(`/api/contacts/${contact.id}/sms-messages`, {
      body: 'early stop',
      status: 'send_sms',
    });
    await app.server.services.receipts.record('log', [
      {
        providerMessageId: 'log-early-optout',
        status: 'failed',
        providerStatus: 'FAILED.BLOCKED',
        errorCode: 'BLOCKED',
        reason: null,
        optOut: true,
        occurredAt: null,
      },
    ]);
    await app.server.dataSource.query(
      "UPDATE sms_messages SET status = 'sent', provider = 'log', provider_message_id = 'log-early-optout' WHERE id = ?",
      [created.body.id],
    );
    await app.server.services.receipts.applyPending([
      {
        id: created.body.id,
        provider: 'log',
        provider_message_id: 'log-early-optout',
      },
    ]);
    const suppressions = (await app.get('/api/suppressions?per_page=200')).body.data;
    expect(suppressions.map((s: Json) => s.phone)).toContain(contact.phone_mobile);
    expect((await app.get(`/api/sms-messages/${created.body.id}`)).body.status).toBe('failed');
  });

  it('an opted-out receipt (BulkSMS FAILED.BLOCKED) suppresses the number', async () => {
    const m = await sentMessage();
    await receipt(m, 'failed', {
      providerStatus: 'FAILED.BLOCKED',
      errorCode: 'BLOCKED',
      optOut: true,
    });
    const suppressions = (await app.get('/api/suppressions?per_page=200')).body.data;
    expect(suppressions.map((s: Json) => s.phone)).toContain(m.to);
    expect((await app.get(`/api/contacts/${m.parent_id}`)).body.sms_opt_in).toBe(false);
  });
});
