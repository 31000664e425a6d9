import { SmsMessage } from '../../entities/sms-message.entity';
import { MessageClaimer } from '../../src/services/dispatch/message-claimer';
import type { SentMessage } from '../../src/services/dispatch/message-outcomes';
import { createContact } from '../factories/records';
import { describeEachEngine, TestApp } from '../support/test-app';

/**
 * "Sent" outcomes are written by group commit; these check that grouping changes nothing a
 * single write guaranteed: each message gets its own provider id and time, the claim token
 * still fences every row, and the early-receipt hook sees exactly the rows written.
 */
describeEachEngine('recording sent messages in groups', (engine) => {
  let app: TestApp;
  let groups: SentMessage[][];
  let applyEarlyReceipts: ((messages: SentMessage[]) => Promise<void>) | null;
  beforeAll(async () => {
    app = await TestApp.start(engine, { SMS_RATE_PER_SECOND: '0' });
    applyEarlyReceipts = app.server.sending.dispatcher.outcomes.afterSent;
  });
  afterAll(() => app.close());

  const outcomes = () => app.server.sending.dispatcher.outcomes;
  const repo = () => app.server.dataSource.getRepository(SmsMessage);

  beforeEach(async () => {
    // Nothing else due: each test claims only what it queued.
    await app.server.dataSource.query("UPDATE sms_messages SET status = 'cancelled'");
    groups = [];
    outcomes().afterSent = async (messages) => {
      groups.push(messages);
      await applyEarlyReceipts?.(messages);
    };
  });

  async function claimed(count: number): Promise<SmsMessage[]> {
    for (let i = 0; i < count; i++) {
      const contact = await createContact(app);
      const res = await app.post(`/api/contacts/${contact.id}/sms-messages`, {
        body: `message ${i}`,
        status: 'send_sms',
      });
      expect(res.status).toBe(201);
    }
    const messages = await new MessageClaimer(app.server.dataSource, 60).claimDue(count);
    expect(messages).toHaveLength(count);
    return messages;
  }

  it('writes the sends finished together in one group, each with its own id and time', async () => {
    const messages = await claimed(30);
    const base = Date.UTC(2026, 10, 24, 12, 0, 0);
    const results = await Promise.all(
      messages.map((m, i) => outcomes().sent(m, 'twilio', `SM-group-${i}`, new Date(base + i))),
    );
    expect(results).toEqual(messages.map(() => true));
    expect(groups.map((g) => g.length)).toEqual([30]);
    for (const [i, m] of messages.entries()) {
      const row = await repo().findOneByOrFail({ id: m.id });
      expect(row).toMatchObject({
        status: 'sent',
        provider: 'twilio',
        provider_message_id: `SM-group-${i}`,
        lease_until: null,
        error_code: null,
      });
      expect(row.sent_at?.getTime()).toBe(base + i);
    }
  });

  it('a row whose claim was taken over is left alone; the rest of its group is written', async () => {
    const messages = await claimed(5);
    // Presumed dead: another worker's recovery took message 2 over.
    await app.server.dataSource.query(
      "UPDATE sms_messages SET claim_token = 'someone-else', provider_message_id = NULL WHERE id = ?",
      [messages[2].id],
    );
    const results = await Promise.all(
      messages.map((m, i) => outcomes().sent(m, 'twilio', `SM-fenced-${i}`)),
    );
    expect(results).toEqual([true, true, false, true, true]);
    const taken = await repo().findOneByOrFail({ id: messages[2].id });
    expect(taken).toMatchObject({
      status: 'sending',
      claim_token: 'someone-else',
      provider_message_id: null,
    });
    expect(groups).toHaveLength(1);
    expect(groups[0].map((m) => m.id)).toEqual(messages.filter((_, i) => i !== 2).map((m) => m.id));
  });

  it('a message written twice is recorded once: the second write reports it lost', async () => {
    const [message] = await claimed(1);
    expect(await outcomes().sent(message, 'twilio', 'SM-first')).toBe(true);
    expect(await outcomes().sent(message, 'twilio', 'SM-second')).toBe(false);
    expect(await repo().findOneByOrFail({ id: message.id })).toMatchObject({
      provider_message_id: 'SM-first',
    });
  });

  it('a failing early-receipt hook does not undo or fail the sends', async () => {
    const messages = await claimed(3);
    outcomes().afterSent = async () => {
      throw new Error('receipts table unavailable');
    };
    const results = await Promise.all(messages.map((m, i) => outcomes().sent(m, 'log', `x${i}`)));
    expect(results).toEqual([true, true, true]);
    expect(await repo().countBy({ status: 'sent' as SmsMessage['status'] })).toBeGreaterThanOrEqual(
      3,
    );
  });

  it('applies the early receipts of a whole group, matched by provider and id', async () => {
    const messages = await claimed(3);
    const receipt = (providerMessageId: string) => ({
      providerMessageId,
      status: 'delivered' as const,
      providerStatus: 'delivered',
      errorCode: null,
      reason: null,
      optOut: false,
      occurredAt: null,
    });
    // Before the sends are recorded: kept waiting.
    await app.server.services.receipts.record('twilio', [
      receipt('SM-early-0'),
      receipt('SM-early-2'),
    ]);
    // The same id at another provider is not these messages' receipt.
    await app.server.services.receipts.record('bulksms', [receipt('SM-early-1')]);
    await Promise.all(messages.map((m, i) => outcomes().sent(m, 'twilio', `SM-early-${i}`)));
    const statuses = await Promise.all(
      messages.map(async (m) => (await repo().findOneByOrFail({ id: m.id })).status),
    );
    expect(statuses).toEqual(['delivered', 'sent', 'delivered']);
  });
});
