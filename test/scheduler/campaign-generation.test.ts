import { SmsCampaign } from '../../entities/sms-campaign.entity';
import { SmsMessage } from '../../entities/sms-message.entity';
import type { CampaignGenerator } from '../../src/services/campaign-generator.service';
import { createAccount, createContact, createTemplate, uniqueMobile } from '../factories/records';
import { describeEachEngine, TestApp } from '../support/test-app';
import type { Json } from '../support/test-app';

// A minute ago (to the second): due now, and well inside SMS_VALIDITY_HOURS.
const SEND_DATE = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000).toISOString();

describeEachEngine('campaign generation', (engine) => {
  let app: TestApp;
  beforeAll(async () => {
    // Small chunks so every test crosses chunk boundaries; no rate limit for the sends.
    app = await TestApp.start(engine, { CAMPAIGN_CHUNK_SIZE: '2', SMS_RATE_PER_SECOND: '0' });
  });
  afterAll(async () => {
    await app.close();
  });

  const generator = (): CampaignGenerator => app.server.sending.generator;

  /** A draft campaign over `ids`, put in "Generate all SMS Messages" over the API. */
  async function generateAll(
    name: string,
    templateId: string,
    ids: string[],
    sendDate = SEND_DATE,
  ): Promise<Json> {
    const campaign = (
      await app.post('/api/sms-campaigns', {
        name,
        send_date: sendDate,
        module: 'contacts',
        template_id: templateId,
      })
    ).body;
    await app.post(`/api/sms-campaigns/${campaign.id}/recipients`, { ids });
    await app.patch(`/api/sms-campaigns/${campaign.id}`, { status: 'generate_all' });
    return campaign;
  }

  /** A campaign over a mixed population; returns it with the ids by role. */
  async function mixedCampaign() {
    const account = await createAccount(app, { name: 'Initech' });
    const template = await createTemplate(app, {
      body: 'Hi {{ contact.first_name }} {{ contact.last_name }} of {{ account.name | default: "your company" }}',
    });
    const shared = uniqueMobile();
    const ok = [];
    for (let i = 0; i < 5; i++) {
      ok.push(
        await createContact(app, {
          first_name: `Ok${i}`,
          last_name: 'Person',
          account_id: account.id,
        }),
      );
    }
    const noPhone = await createContact(app, { first_name: 'No', phone_mobile: null });
    const notOpted = await createContact(app, { first_name: 'Out', sms_opt_in: false });
    const dupA = await createContact(app, { first_name: 'DupA', phone_mobile: shared });
    const dupB = await createContact(app, { first_name: 'DupB', phone_mobile: shared });
    const deleted = await createContact(app, { first_name: 'Gone' });
    const campaign = (
      await app.post('/api/sms-campaigns', {
        name: `Mixed ${Math.random()}`,
        send_date: SEND_DATE,
        module: 'contacts',
        template_id: template.id,
      })
    ).body;
    const ids = [...ok, noPhone, notOpted, dupA, dupB, deleted].map((c) => c.id);
    expect((await app.post(`/api/sms-campaigns/${campaign.id}/recipients`, { ids })).body).toEqual({
      added: 10,
      total: 10,
    });
    await app.delete(`/api/contacts/${deleted.id}`);
    return { campaign, ok, noPhone, notOpted, dupA, dupB, deleted };
  }

  async function messagesOf(campaignId: string): Promise<Json[]> {
    return app.server.dataSource
      .getRepository(SmsMessage)
      .find({ where: { campaign_id: campaignId } });
  }

  it('expands a campaign into one rendered message per reachable number, with skip reasons', async () => {
    const { campaign, ok } = await mixedCampaign();
    expect(
      (await app.patch(`/api/sms-campaigns/${campaign.id}`, { status: 'generate_all' })).status,
    ).toBe(200);

    const result = await generator().generateNext();
    expect(result).toMatchObject({
      campaignId: campaign.id,
      generated: 6,
      skipped: 4,
      status: 'in_progress',
    });

    const messages = await messagesOf(campaign.id);
    expect(messages).toHaveLength(6);
    const bodies = messages.map((m) => m.body).sort();
    expect(bodies).toEqual(
      expect.arrayContaining(ok.map((c) => `Hi ${c.first_name} Person of Initech`)),
    );
    for (const m of messages) {
      expect(m).toMatchObject({
        status: 'send_sms',
        parent_type: 'contacts',
        segments: 1,
        encoding: 'GSM-7',
      });
      expect(m.send_date.toISOString()).toBe(SEND_DATE);
    }
    expect(new Set(messages.map((m) => m.to_number)).size).toBe(6);

    const summary = (await app.get(`/api/sms-campaigns/${campaign.id}`)).body;
    expect(summary.status).toBe('in_progress');
    expect(summary.counts).toEqual({ send_sms: 6 });
    expect(summary.skipped).toEqual({
      no_phone: 1,
      not_opted_in: 1,
      duplicate_number: 1,
      record_deleted: 1,
    });
    const recipients = (await app.get(`/api/sms-campaigns/${campaign.id}/recipients?per_page=50`))
      .body;
    expect(recipients.data.filter((r: Json) => r.status === 'pending')).toEqual([]);

    // Nothing left to do: running again changes nothing.
    expect(await generator().generateNext()).toBeNull();
    expect(await messagesOf(campaign.id)).toHaveLength(6);
  });

  it('resumes after a crash in the middle without duplicates or losses', async () => {
    const { campaign } = await mixedCampaign();
    await app.patch(`/api/sms-campaigns/${campaign.id}`, { status: 'generate_all' });
    // The second chunk's transaction dies half-way (as if the process was killed).
    const gen = generator() as unknown as { expandChunk: (...args: unknown[]) => Promise<unknown> };
    const original = gen.expandChunk.bind(gen);
    let calls = 0;
    gen.expandChunk = async (...args: unknown[]) => {
      calls += 1;
      if (calls === 2) {
        const [manager] = args as [{ query: (sql: string) => Promise<unknown> }];
        await manager.query("UPDATE sms_campaign_recipients SET status = 'skipped' WHERE 1 = 0");
        throw new Error('simulated crash');
      }
      return original(...args);
    };
    try {
      await expect(generator().generateNext()).rejects.toThrow('simulated crash');
    } finally {
      gen.expandChunk = original;
    }
    expect((await app.get(`/api/sms-campaigns/${campaign.id}`)).body.status).toBe('generating');
    // The first chunk (2 recipients) was committed; the second left no trace.
    const firstChunk = await messagesOf(campaign.id);
    expect(firstChunk.length).toBeLessThanOrEqual(2);
    const recipients = (await app.get(`/api/sms-campaigns/${campaign.id}/recipients?per_page=50`))
      .body.data;
    expect(recipients.filter((r: Json) => r.status !== 'pending')).toHaveLength(2);

    // While the dead worker's lease runs, nobody takes the campaign over...
    expect(await generator().generateNext()).toBeNull();
    // ...once it has expired, another worker finishes the job.
    const later = new Date(Date.now() + 120_000);
    const result = await generator().generateNext(later);
    expect(result).toMatchObject({ campaignId: campaign.id, status: 'in_progress' });
    const messages = await messagesOf(campaign.id);
    expect(messages).toHaveLength(6);
    expect(new Set(messages.map((m) => m.to_number)).size).toBe(6);
    const summary = (await app.get(`/api/sms-campaigns/${campaign.id}`)).body;
    expect(summary.skipped).toEqual({
      no_phone: 1,
      not_opted_in: 1,
      duplicate_number: 1,
      record_deleted: 1,
    });
  });

  it('sends the generated messages and completes the campaign', async () => {
    const { campaign } = await mixedCampaign();
    await app.patch(`/api/sms-campaigns/${campaign.id}`, { status: 'generate_all' });
    await app.server.sending.jobs.campaigns.run();
    await app.server.sending.jobs.dispatch.run();
    await app.server.sending.jobs.campaigns.run();
    const summary = (await app.get(`/api/sms-campaigns/${campaign.id}`)).body;
    expect(summary.counts).toEqual({ sent: 6 });
    expect(summary.status).toBe('completed');
    for (const m of await messagesOf(campaign.id)) {
      expect(m.provider).toBe('log');
      expect(m.provider_message_id).toMatch(/^log-/);
    }
  });

  it('stops generating when the campaign is cancelled meanwhile', async () => {
    const { campaign } = await mixedCampaign();
    await app.patch(`/api/sms-campaigns/${campaign.id}`, { status: 'generate_all' });
    const gen = generator() as unknown as { nextChunk: (...args: unknown[]) => Promise<unknown> };
    const original = gen.nextChunk.bind(gen);
    let cancelled = false;
    gen.nextChunk = async (...args: unknown[]) => {
      if (!cancelled && (await messagesOf(campaign.id)).length > 0) {
        // A marketer cancels while some of the campaign's messages are already queued.
        cancelled = true;
        const res = await app.patch(`/api/sms-campaigns/${campaign.id}`, { status: 'cancelled' });
        expect(res.status).toBe(200);
      }
      return original(...args);
    };
    try {
      const result = await generator().generateNext();
      expect(result?.status).toBe('cancelled');
    } finally {
      gen.nextChunk = original;
    }
    const messages = await messagesOf(campaign.id);
    expect(cancelled).toBe(true);
    expect(messages.length).toBeGreaterThan(0);
    expect(messages.length).toBeLessThan(6);
    expect(messages.every((m) => m.status === 'cancelled')).toBe(true);
  });

  it('sends once to a number shared by records in different chunks', async () => {
    const template = await createTemplate(app, { body: 'Hi {{ contact.first_name }}' });
    const shared = uniqueMobile();
    const ids = [];
    for (let i = 0; i < 7; i++) {
      ids.push((await createContact(app, { first_name: `Same${i}`, phone_mobile: shared })).id);
    }
    const campaign = await generateAll(`Shared ${Math.random()}`, template.id, ids);
    // Chunks of 2: the number reaches the database in four chunks; the unique index keeps one.
    expect(await generator().generateNext()).toMatchObject({ generated: 1, skipped: 6 });
    expect(await messagesOf(campaign.id)).toHaveLength(1);
    const summary = (await app.get(`/api/sms-campaigns/${campaign.id}`)).body;
    expect(summary.skipped).toEqual({ duplicate_number: 6 });
  });

  it('keeps one message per number per campaign: the same number in two campaigns gets two', async () => {
    const template = await createTemplate(app, { body: 'Hi {{ contact.first_name }}' });
    const contact = await createContact(app, { first_name: 'Twice' });
    const campaigns = [];
    for (const name of ['Spring', 'Autumn']) {
      const campaign = await generateAll(`${name} ${Math.random()}`, template.id, [contact.id]);
      expect(await generator().generateNext()).toMatchObject({ generated: 1, skipped: 0 });
      campaigns.push(campaign);
    }
    const stored = await app.server.dataSource
      .getRepository(SmsCampaign)
      .find({ where: campaigns.map((c) => ({ id: c.id })) });
    // Each campaign has its own integer key, and its messages carry it.
    expect(new Set(stored.map((c) => c.seq)).size).toBe(2);
    for (const campaign of stored) {
      const messages = await messagesOf(campaign.id);
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatchObject({
        to_number: contact.phone_mobile,
        campaign_seq: campaign.seq,
      });
    }
  });

  /** A draft campaign over `count` fresh contacts, put in "Generate all SMS Messages". */
  async function campaignOver(count: number): Promise<{ campaign: Json; contacts: Json[] }> {
    const template = await createTemplate(app, { body: 'Hi {{ contact.first_name }}' });
    const contacts = [];
    for (let i = 0; i < count; i++) {
      contacts.push(await createContact(app, { first_name: `Guard${i}` }));
    }
    const ids = contacts.map((c) => c.id);
    return { campaign: await generateAll(`Guard ${Math.random()}`, template.id, ids), contacts };
  }

  async function pendingRecipients(campaignId: string): Promise<number> {
    const recipients = (await app.get(`/api/sms-campaigns/${campaignId}/recipients?per_page=50`))
      .body.data;
    return recipients.filter((r: Json) => r.status === 'pending').length;
  }

  it('rolls a chunk back when a row is left out for another reason than a duplicate number', async () => {
    const { campaign, contacts } = await campaignOver(2);
    const refused = contacts[1].phone_mobile;
    // The database refuses one row the way IGNORE would hide it: SQLite skips it silently,
    // MariaDB stores it with a warning (a NULL forced into a NOT NULL column).
    const trigger =
      engine === 'sqlite'
        ? `CREATE TRIGGER test_refuse_row BEFORE INSERT ON sms_messages
           WHEN NEW.to_number = '${refused}' BEGIN SELECT RAISE(IGNORE); END`
        : `CREATE TRIGGER test_refuse_row BEFORE INSERT ON sms_messages FOR EACH ROW
           BEGIN IF NEW.to_number = '${refused}' THEN SET NEW.body = NULL; END IF; END`;
    await app.server.dataSource.query(trigger);
    try {
      await expect(generator().generateNext()).rejects.toThrow(/the chunk was rolled back/);
    } finally {
      await app.server.dataSource.query('DROP TRIGGER test_refuse_row');
    }
    expect(await messagesOf(campaign.id)).toEqual([]);
    expect(await pendingRecipients(campaign.id)).toBe(2);
    // Once the lease has run out, the chunk is simply done again.
    const later = new Date(Date.now() + 120_000);
    expect(await generator().generateNext(later)).toMatchObject({ generated: 2, skipped: 0 });
  });

  it('rolls a chunk back rather than mark a recipient it did not read as generated', async () => {
    const { campaign } = await campaignOver(2);
    // A chunk that misses a pending recipient of its range (it cannot happen: recipients are
    // only added in draft) must not mark it generated without a message.
    const gen = generator() as unknown as {
      loadRecipients: (...args: unknown[]) => Promise<unknown[]>;
    };
    const original = gen.loadRecipients.bind(gen);
    gen.loadRecipients = async (...args: unknown[]) => {
      const rows = await original(...args);
      return rows.length === 2 ? rows.slice(1) : rows;
    };
    try {
      await expect(generator().generateNext()).rejects.toThrow(
        /2 pending recipients in the chunk's range, 1 expected/,
      );
    } finally {
      gen.loadRecipients = original;
    }
    expect(await messagesOf(campaign.id)).toEqual([]);
    expect(await pendingRecipients(campaign.id)).toBe(2);
  });

  it('skips a recipient whose rendered text is over the segment limit', async () => {
    // 20 × a 100-character title = 2,000 characters = 14 segments, over the limit of 10.
    const template = await createTemplate(app, { body: '{{ contact.title }}'.repeat(20) });
    const long = await createContact(app, { title: 'x'.repeat(100) });
    const fits = await createContact(app, { title: 'short' });
    const campaign = await generateAll(
      'Too long',
      template.id,
      [long.id, fits.id],
      '2020-01-01T09:00:00Z',
    );
    await generator().generateNext();
    const summary = (await app.get(`/api/sms-campaigns/${campaign.id}`)).body;
    expect(summary.skipped).toEqual({ too_long: 1 });
    expect(summary.counts).toEqual({ send_sms: 1 });
  });
});
