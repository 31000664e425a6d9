import { BulkSmsWebhooks } from '../../src/webhooks/providers/bulksms.webhooks';
import type { IgnoredWebhookEntry, WebhookRequest } from '../../src/webhooks/providers/types';
import { WebhookPayloadError } from '../../src/webhooks/providers/types';

/** A SENT message as GET /v1/messages lists it (BulkSMS OpenAPI Message). */
function sent(id: string, statusId: string): Record<string, unknown> {
  const [type, subtype] = statusId.split('.');
  return {
    id,
    type: 'SENT',
    from: '447700900000',
    to: '33612345678',
    body: 'Your appointment is tomorrow at 10:00',
    encoding: 'TEXT',
    protocolId: 0,
    messageClass: 2,
    numberOfParts: 1,
    creditCost: 1,
    submission: { id: '1-00000000000522347562', date: '2026-01-31T10:00:00Z' },
    status: { id: statusId, type, subtype: subtype === 'null' ? null : subtype },
    userSuppliedId: 'key0001',
  };
}

function received(id: string, from: string, body: string): Record<string, unknown> {
  return {
    id,
    type: 'RECEIVED',
    from,
    to: '447700900000',
    body,
    encoding: 'TEXT',
    protocolId: 0,
    messageClass: 0,
    numberOfParts: 1,
    submission: { id: '1-00000000000522347999', date: '2026-01-31T11:15:30+01:00' },
    status: { id: 'DELIVERED.null', type: 'DELIVERED', subtype: null },
    relatedSentMessageId: '1160557016',
  };
}

const webhook = (body: unknown, event?: string): WebhookRequest => ({
  headers: {
    'content-type': 'application/json',
    'user-agent': 'BulkSMS Invoker',
    ...(event ? { 'x-bulksms-event': event, 'x-bulksms-delivery-attempt': '1' } : {}),
  },
  query: { token: 'secret' },
  body,
});

describe('BulkSmsWebhooks.parseStatus', () => {
  it('reads every receipt of the array, mapping FAILED subtypes and BLOCKED as opt-out', () => {
    const ignored: IgnoredWebhookEntry[] = [];
    const webhooks = new BulkSmsWebhooks({ onIgnored: (entry) => ignored.push(entry) });
    const receipts = webhooks.parseStatus(
      webhook(
        [
          sent('1160557011', 'DELIVERED.null'),
          sent('1160557012', 'FAILED.BLOCKED'),
          sent('1160557013', 'FAILED.EXPIRED'),
          sent('1160557014', 'SENT.null'),
          sent('1160557015', 'UNKNOWN.null'),
          sent('1160557016', 'FAILED.HANDSET_ERROR'),
          sent('1160557017', 'FAILED.NOT_SENT'),
        ],
        'status-report',
      ),
    );
    expect(receipts).toEqual([
      {
        providerMessageId: '1160557011',
        status: 'delivered',
        providerStatus: 'DELIVERED.null',
        errorCode: null,
        reason: null,
        optOut: false,
        occurredAt: null,
      },
      {
        providerMessageId: '1160557012',
        status: 'failed',
        providerStatus: 'FAILED.BLOCKED',
        errorCode: 'FAILED.BLOCKED',
        reason: 'Recipient blocked this account (e.g. replied STOP) (BulkSMS FAILED.BLOCKED)',
        optOut: true,
        occurredAt: null,
      },
      expect.objectContaining({
        providerMessageId: '1160557013',
        status: 'undelivered',
        errorCode: 'FAILED.EXPIRED',
        reason: 'Expired before delivery was possible (BulkSMS FAILED.EXPIRED)',
        optOut: false,
      }),
      expect.objectContaining({ providerMessageId: '1160557014', status: 'sent', errorCode: null }),
      expect.objectContaining({ providerMessageId: '1160557016', status: 'undelivered' }),
      expect.objectContaining({
        providerMessageId: '1160557017',
        status: 'failed',
        reason: 'Delivery not attempted (e.g. no route to the number) (BulkSMS FAILED.NOT_SENT)',
      }),
    ]);
    expect(ignored).toEqual([
      {
        provider: 'bulksms',
        kind: 'status',
        providerMessageId: '1160557015',
        providerStatus: 'UNKNOWN.null',
        why: 'status UNKNOWN carries no information',
      },
    ]);
  });

  it('reads status type and subtype when there is no id, and a FAILED subtype it does not know', () => {
    const webhooks = new BulkSmsWebhooks();
    const [receipt, other] = webhooks.parseStatus(
      webhook([
        {
          id: '1',
          type: 'SENT',
          to: '33612345678',
          body: 'x',
          status: { type: 'FAILED', subtype: 'BLOCKED' },
        },
        {
          id: '2',
          type: 'SENT',
          to: '33612345678',
          body: 'x',
          status: { id: 'FAILED.NEW_REASON' },
        },
      ]),
    );
    expect(receipt).toMatchObject({
      providerStatus: 'FAILED.BLOCKED',
      optOut: true,
      status: 'failed',
    });
    expect(other).toMatchObject({
      status: 'failed',
      errorCode: 'FAILED.NEW_REASON',
      reason: 'Delivery failed (BulkSMS FAILED.NEW_REASON)',
      optOut: false,
    });
  });

  it.each([
    ['ACCEPTED.null', 'accepted'],
    ['SCHEDULED.null', 'accepted'],
    ['SENT.null', 'sent'],
    ['DELIVERED.null', 'delivered'],
    ['FAILED.null', 'failed'],
  ])('maps %s to %s', (statusId, status) => {
    const [receipt] = new BulkSmsWebhooks().parseStatus(webhook([sent('9', statusId)]));
    expect(receipt.status).toBe(status);
  });

  it("reads the webhook guide's own sample shape ({condition, date, cause})", () => {
    const body = [
      {
        id: '312123871239124',
        from: { type: 'INTERNATIONAL', address: '+27000000000' },
        to: { type: 'INTERNATIONAL', address: '+44000000000' },
        body: { value: 'Hello World', encoding: { type: 'TEXT' } },
        userSuppliedId: 'abcd1234',
        submission: { id: '564568749793', date: '2014-06-01T12:15:00Z' },
        status: {
          condition: 'SENT',
          date: '2014-06-01T13:10:00Z',
          cause: 'Submitted to upstream provider',
          final: false,
        },
      },
    ];
    expect(new BulkSmsWebhooks().parseStatus(webhook(body, 'status-report'))).toEqual([
      {
        providerMessageId: '312123871239124',
        status: 'sent',
        providerStatus: 'SENT',
        errorCode: null,
        reason: null,
        optOut: false,
        occurredAt: new Date('2014-06-01T13:10:00Z'),
      },
    ]);
  });

  it('accepts an empty array', () => {
    expect(new BulkSmsWebhooks().parseStatus(webhook([]))).toEqual([]);
  });

  it('refuses RECEIVED messages posted to the status URL, naming the right route', () => {
    const webhooks = new BulkSmsWebhooks();
    expect(() => webhooks.parseStatus(webhook([received('5', '33612345678', 'STOP')]))).toThrow(
      "bulksms status webhook [0]: message type 'RECEIVED' does not belong here; this URL takes " +
        'triggerScope SENT webhooks, send the other scope to /webhooks/bulksms/inbound',
    );
    const untyped = received('5', '33612345678', 'STOP');
    delete untyped.type;
    expect(() => webhooks.parseStatus(webhook([untyped], 'incoming-message'))).toThrow(
      /does not belong here/,
    );
  });

  it.each([
    ['an object instead of an array', sent('1', 'SENT.null')],
    ['a string', 'hello'],
    ['a non-object entry', ['1']],
    ['an entry without id', [{ type: 'SENT', status: { id: 'SENT.null' } }]],
    ['an entry without status', [{ id: '1', type: 'SENT' }]],
    ['a status without type', [{ id: '1', type: 'SENT', status: { final: true } }]],
  ])('refuses %s', (_label, body) => {
    expect(() => new BulkSmsWebhooks().parseStatus(webhook(body))).toThrow(WebhookPayloadError);
  });

  it('parses a body kept as text', () => {
    const raw = JSON.stringify([sent('7', 'DELIVERED.null')]);
    expect(
      new BulkSmsWebhooks().parseStatus({ headers: {}, query: {}, body: undefined, rawBody: raw }),
    ).toHaveLength(1);
  });
});

describe('BulkSmsWebhooks.parseInbound', () => {
  it('reads several messages, adds the "+" and dates them by submission.date', () => {
    const webhooks = new BulkSmsWebhooks();
    const messages = webhooks.parseInbound(
      webhook(
        [
          received('1160557101', '33612345678', 'STOP'),
          received('1160557102', '+447700900123', 'Merci !'),
        ],
        'incoming-message',
      ),
    );
    expect(messages).toEqual([
      {
        providerMessageId: '1160557101',
        from: '+33612345678',
        to: '+447700900000',
        text: 'STOP',
        receivedAt: new Date('2026-01-31T10:15:30Z'),
      },
      {
        providerMessageId: '1160557102',
        from: '+447700900123',
        to: '+447700900000',
        text: 'Merci !',
        receivedAt: new Date('2026-01-31T10:15:30Z'),
      },
    ]);
  });

  it("reads the guide's nested from/body shape", () => {
    const [message] = new BulkSmsWebhooks().parseInbound(
      webhook(
        [
          {
            id: '42',
            from: { type: 'INTERNATIONAL', address: '27000000000' },
            to: { type: 'INTERNATIONAL', address: '+44000000000' },
            body: { value: 'Hello World', encoding: { type: 'TEXT' } },
            submission: { id: '564568749793', date: '2014-06-01T12:15:00Z' },
          },
        ],
        'incoming-message',
      ),
    );
    expect(message).toEqual({
      providerMessageId: '42',
      from: '+27000000000',
      to: '+44000000000',
      text: 'Hello World',
      receivedAt: new Date('2014-06-01T12:15:00Z'),
    });
  });

  it('refuses SENT messages and malformed entries', () => {
    const webhooks = new BulkSmsWebhooks();
    expect(() => webhooks.parseInbound(webhook([sent('1', 'DELIVERED.null')]))).toThrow(
      /triggerScope RECEIVED webhooks, send the other scope to \/webhooks\/bulksms\/status/,
    );
    expect(() =>
      webhooks.parseInbound(webhook([{ id: '1', type: 'RECEIVED', body: 'x' }])),
    ).toThrow(/\[0\]: from is missing/);
    expect(() =>
      webhooks.parseInbound(webhook([{ id: '1', type: 'RECEIVED', from: '33612345678', body: 3 }])),
    ).toThrow(/body is number, expected text/);
    expect(() => webhooks.parseInbound(webhook({ id: '1' }))).toThrow(
      'bulksms incoming-message webhook: expected a JSON array of message objects, got an object with keys id',
    );
  });

  it('acknowledges with 200', () => {
    const webhooks = new BulkSmsWebhooks();
    expect(webhooks.ackStatus()).toEqual({ status: 200 });
    expect(webhooks.ackInbound()).toEqual({ status: 200 });
  });
});
