import { startFakeGateway } from '../fakes';
import type { StartedFakeGateway } from '../fakes';
import { createContact } from '../factories/records';
import { describeEachEngine, TestApp } from '../support/test-app';

describeEachEngine('quiet hours and validity at send time', (engine) => {
  let twilio: StartedFakeGateway;
  let app: TestApp;
  beforeAll(async () => {
    twilio = await startFakeGateway('twilio');
    app = await TestApp.start(engine, {
      ...twilio.env,
      SMS_RATE_PER_SECOND: '0',
      SMS_QUIET_HOURS: '08:00-21:00',
    });
  });
  afterAll(async () => {
    await app.close();
    await twilio.fake.close();
  });
  beforeEach(() => twilio.fake.reset());

  const queue = async (country: string | null, sendDate: string) => {
    const contact = await createContact(app, { primary_address_country: country });
    const res = await app.post(`/api/contacts/${contact.id}/sms-messages`, {
      body: 'Good morning',
      status: 'send_sms',
      send_date: sendDate,
    });
    return res.body.id as string;
  };
  const read = async (id: string) => (await app.get(`/api/sms-messages/${id}`)).body;
  const dispatch = (iso: string) => app.server.sending.dispatcher.dispatchDue(new Date(iso));

  it("waits until 08:00 in the recipient's time zone, never earlier, then sends", async () => {
    // 05:00 in Paris (UTC+1 in January).
    const id = await queue('France', '2027-01-15T04:00:00Z');
    expect(await dispatch('2027-01-15T04:00:30Z')).toMatchObject({ claimed: 1, deferred: 1 });
    const waiting = await read(id);
    expect(waiting.status).toBe('send_sms');
    expect(waiting.attempts).toBe(0);
    expect(await dispatch('2027-01-15T06:59:59Z')).toMatchObject({ claimed: 0 });
    expect(twilio.fake.requests).toHaveLength(0);
    expect(await dispatch('2027-01-15T07:00:00Z')).toMatchObject({ sent: 1 });
    expect((await read(id)).status).toBe('sent');
  });

  it('after 21:00 local time, waits for the next morning, across a daylight-saving change', async () => {
    // 21:30 in New York on 2027-03-13 (EST, UTC-5); the clocks go forward that night, so
    // 08:00 the next morning is EDT (UTC-4): 12:00Z, not 13:00Z.
    const id = await queue('United States', '2027-03-14T02:30:00Z');
    await dispatch('2027-03-14T02:30:10Z');
    expect(await dispatch('2027-03-14T11:59:59Z')).toMatchObject({ claimed: 0 });
    // New York is allowed at 12:00Z, but Los Angeles and the other US zones are not yet: the
    // country's zones must all be inside the window (18:00Z in the summer).
    expect(await dispatch('2027-03-14T17:59:00Z')).toMatchObject({ claimed: 0 });
    expect(await dispatch('2027-03-14T18:00:00Z')).toMatchObject({ sent: 1 });
    expect((await read(id)).status).toBe('sent');
  });

  it('sends at once inside the window', async () => {
    const id = await queue('France', '2027-01-15T10:00:00Z');
    expect(await dispatch('2027-01-15T10:00:01Z')).toMatchObject({ sent: 1 });
    expect((await read(id)).status).toBe('sent');
  });

  it("uses the number's country when the record has none", async () => {
    // A French mobile, no address: Paris time. 06:30Z = 07:30 in Paris.
    const id = await queue(null, '2027-01-15T06:30:00Z');
    expect(await dispatch('2027-01-15T06:30:01Z')).toMatchObject({ deferred: 1 });
    expect(await dispatch('2027-01-15T07:00:00Z')).toMatchObject({ sent: 1 });
    expect((await read(id)).status).toBe('sent');
  });

  it('expires rather than sends a message past its validity', async () => {
    const id = await queue('France', '2027-01-15T10:00:00Z');
    // 25 hours later (SMS_VALIDITY_HOURS defaults to 24).
    expect(await dispatch('2027-01-16T11:00:00Z')).toMatchObject({ expired: 1, sent: 0 });
    expect(await read(id)).toMatchObject({ status: 'expired', error_code: 'expired' });
    expect(twilio.fake.requests).toHaveLength(0);
  });
});
