import { startFakeGateway } from '../fakes';
import type { StartedFakeGateway } from '../fakes';
import { createContact, createTemplate } from '../factories/records';
import { describeEachEngine, TestApp } from '../support/test-app';
import type { Json } from '../support/test-app';

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) {
      return value;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describeEachEngine('the scheduler running in the web process', (engine) => {
  let twilio: StartedFakeGateway;
  let app: TestApp;
  beforeAll(async () => {
    twilio = await startFakeGateway('twilio');
    // Default cron settings: the scheduler runs as `npm start` runs it.
    app = await TestApp.start(engine, { ...twilio.env, SCHEDULER: 'on' });
  });
  afterAll(async () => {
    await app.close();
    await twilio.fake.close();
  });

  it('sends a "Send SMS" message created through the API, with nothing else to do', async () => {
    const contact = await createContact(app, { first_name: 'Eve' });
    const created = await app.post(`/api/contacts/${contact.id}/sms-messages`, {
      body: 'Hi {{ contact.first_name }}',
      status: 'send_sms',
    });
    const message = await eventually(
      async () => (await app.get(`/api/sms-messages/${created.body.id}`)).body,
      (m: Json) => m.status === 'sent',
    );
    expect(message.status).toBe('sent');
    expect(twilio.fake.accepted.find((m) => m.to === contact.phone_mobile)?.body).toBe('Hi Eve');
  });

  it('keeps a draft unsent', async () => {
    const contact = await createContact(app);
    const draft = await app.post(`/api/contacts/${contact.id}/sms-messages`, {
      body: 'draft',
      status: 'draft',
    });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await app.get(`/api/sms-messages/${draft.body.id}`)).body.status).toBe('draft');
  });

  it('runs a campaign from "Generate all SMS Messages" to completed', async () => {
    const template = await createTemplate(app, { body: 'Promo for {{ contact.first_name }}' });
    const contacts = [];
    for (let i = 0; i < 4; i++) {
      contacts.push(await createContact(app, { first_name: `C${i}` }));
    }
    const campaign = (
      await app.post('/api/sms-campaigns', {
        name: 'E2E',
        send_date: new Date().toISOString(),
        module: 'contacts',
        template_id: template.id,
      })
    ).body;
    await app.post(`/api/sms-campaigns/${campaign.id}/recipients`, {
      ids: contacts.map((c) => c.id),
    });
    expect(
      (await app.patch(`/api/sms-campaigns/${campaign.id}`, { status: 'generate_all' })).status,
    ).toBe(200);
    const done = await eventually(
      async () => (await app.get(`/api/sms-campaigns/${campaign.id}`)).body,
      (c: Json) => c.status === 'completed',
    );
    expect(done).toMatchObject({ status: 'completed', counts: { sent: 4 }, recipients: 4 });
    const messages = await app.get(`/api/sms-messages?campaign_id=${campaign.id}`);
    expect(messages.body.data.map((m: Json) => m.body).sort()).toEqual([
      'Promo for C0',
      'Promo for C1',
      'Promo for C2',
      'Promo for C3',
    ]);
  });
});
