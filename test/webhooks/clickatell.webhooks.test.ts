import { ClickatellWebhooks } from '../../src/webhooks/providers/clickatell.webhooks';
import type { IgnoredWebhookEntry, WebhookRequest } from '../../src/webhooks/providers/types';
import { WebhookPayloadError } from '../../src/webhooks/providers/types';

const TIMESTAMP = 1506607698000;

const json = (body: unknown): WebhookRequest => ({
  headers: { 'content-type': 'application/json' },
  query: {},
  body,
});

/** A One API status callback, shaped like help.clickatell.com's one-api-status example. */
function oneApiStatus(update: Record<string, unknown>): WebhookRequest {
  return json({
    integrationId: 'fa8090815f05d5ed015f0b5b56080cd2',
    integrationName: 'My integration',
    event: {
      messageStatusUpdate: [
        {
          channel: 'sms',
          messageId: 'a8dd7b3c2a1d4cb8a1d1c7e3f2b9a0e1',
          clientMessageId: 'crm-msg-42',
          timestamp: TIMESTAMP,
          ...update,
        },
      ],
    },
  });
}

/** A One API reply callback, as in "One API: Receive message callback". */
function oneApiReply(item: Record<string, unknown>): WebhookRequest {
  return json({
    integrationId: 'fa8090815f05d5ed015f0b5b56080cd2',
    integrationName: 'My integration',
    event: {
      moText: [
        {
          channel: 'sms',
          messageId: '3a89680503414383af44dcd0e4e5f184',
          relatedMessageId: 'd33eef0838a121f71069a4cc8d55c19e',
          relatedClientMessageId: 'crm-msg-42',
          from: '2799900001',
          to: '2799900002',
          timestamp: TIMESTAMP,
          content: 'Text Content of the reply message',
          charset: 'UTF-8',
          ...item,
        },
      ],
    },
  });
}

describe('ClickatellWebhooks.parseStatus (One API)', () => {
  const webhooks = new ClickatellWebhooks();

  it('reads a delivered receipt with its millisecond timestamp', () => {
    expect(webhooks.parseStatus(oneApiStatus({ status: 'DEVICE_ACK', statusCode: 5 }))).toEqual([
      {
        providerMessageId: 'a8dd7b3c2a1d4cb8a1d1c7e3f2b9a0e1',
        status: 'delivered',
        providerStatus: 'DEVICE_ACK',
        errorCode: null,
        reason: null,
        optOut: false,
        occurredAt: new Date(TIMESTAMP),
      },
    ]);
  });

  it('reads a failure with the status code as error code and a readable reason', () => {
    const [receipt] = webhooks.parseStatus(
      oneApiStatus({ status: 'DELIVERY_FAILURE', statusCode: 23 }),
    );
    expect(receipt).toMatchObject({
      status: 'undelivered',
      errorCode: '23',
      reason: 'Error delivering message (Clickatell DELIVERY_FAILURE 23)',
      optOut: false,
    });
  });

  it('does not read status code 26 as an opt-out: in a status callback it is VOLUME_LIMIT', () => {
    const [receipt] = webhooks.parseStatus(
      oneApiStatus({ status: 'VOLUME_LIMIT', statusCode: 26 }),
    );
    expect(receipt).toMatchObject({
      status: 'failed',
      errorCode: '26',
      reason: 'Volume limit exceeded (Clickatell VOLUME_LIMIT 26)',
      optOut: false,
    });
  });

  it.each([
    ['QUEUED', 2, 'accepted'],
    ['SCHEDULED', 3, 'accepted'],
    ['SENT_TO_SUPPLIER', 4, 'sent'],
    ['DEVICE_ACK', 5, 'delivered'],
    ['READ', 6, 'delivered'],
    ['EXPIRED', 20, 'undelivered'],
    ['STOPPED_BY_USER', 21, 'failed'],
    ['STOPPED_BY_ADMIN', 22, 'failed'],
    ['DELIVERY_FAILURE', 23, 'undelivered'],
    ['EMULATED', 24, 'failed'],
    ['INSUFFICIENT_ACCOUNT_BALANCE', 25, 'failed'],
    ['VOLUME_LIMIT_DAILY', 27, 'failed'],
    ['VOLUME_LIMIT_MONTHLY', 28, 'failed'],
    ['RECIPIENT_DOES_NOT_EXIST', 29, 'failed'],
    ['ROUTING_ERROR', 100, 'failed'],
    ['MEDIA_ACCESS_ERROR', 85, 'failed'],
  ])('maps %s (%i) to %s', (word, code, status) => {
    const [receipt] = webhooks.parseStatus(oneApiStatus({ status: word, statusCode: code }));
    expect(receipt.status).toBe(status);
    expect(receipt.providerStatus).toBe(word);
    expect(receipt.errorCode).toBe(
      status === 'failed' || status === 'undelivered' ? String(code) : null,
    );
  });

  it('returns no receipt, and reports it, for UNKNOWN, unknown words and other channels', () => {
    const ignored: IgnoredWebhookEntry[] = [];
    const reporting = new ClickatellWebhooks({ onIgnored: (entry) => ignored.push(entry) });
    expect(reporting.parseStatus(oneApiStatus({ status: 'UNKNOWN', statusCode: 1 }))).toEqual([]);
    expect(reporting.parseStatus(oneApiStatus({ status: 'TELEPORTED', statusCode: 7 }))).toEqual(
      [],
    );
    expect(
      reporting.parseStatus(
        oneApiStatus({ status: 'DEVICE_ACK', statusCode: 5, channel: 'whatsapp ' }),
      ),
    ).toEqual([]);
    expect(ignored.map((entry) => [entry.providerStatus, entry.why])).toEqual([
      ['UNKNOWN', 'status 1 UNKNOWN carries no information'],
      ['TELEPORTED', "unknown status 'TELEPORTED'"],
      ['DEVICE_ACK', "channel 'whatsapp' is not SMS"],
    ]);
  });

  it('reads every update of an event, should Clickatell batch them', () => {
    const body = {
      event: {
        messageStatusUpdate: [
          {
            channel: 'sms',
            messageId: 'm1',
            status: 'SENT_TO_SUPPLIER',
            statusCode: 4,
            timestamp: TIMESTAMP,
          },
          {
            channel: 'sms',
            messageId: 'm2',
            status: 'EXPIRED',
            statusCode: 20,
            timestamp: TIMESTAMP,
          },
        ],
      },
    };
    expect(webhooks.parseStatus(json(body)).map((r) => [r.providerMessageId, r.status])).toEqual([
      ['m1', 'sent'],
      ['m2', 'undelivered'],
    ]);
  });

  it('acknowledges event types it does not know without failing (Clickatell asks for that)', () => {
    const ignored: IgnoredWebhookEntry[] = [];
    const reporting = new ClickatellWebhooks({ onIgnored: (entry) => ignored.push(entry) });
    expect(reporting.parseStatus(json({ event: { conversationUpdate: [{}] } }))).toEqual([]);
    expect(ignored).toEqual([expect.objectContaining({ providerStatus: 'conversationUpdate' })]);
  });

  it('refuses a reply posted to the status URL, naming the right one', () => {
    expect(() => webhooks.parseStatus(oneApiReply({}))).toThrow(
      'clickatell status callback: this is a reply callback; configure Clickatell to send reply callbacks to /webhooks/clickatell/inbound',
    );
  });
});

describe('ClickatellWebhooks.parseStatus (REST API)', () => {
  const webhooks = new ClickatellWebhooks();
  const restStatus = (fields: Record<string, unknown>): WebhookRequest =>
    json({
      integrationName: 'My integration',
      messageId: 'b2a3f1e0d9c8b7a6f5e4d3c2b1a0f9e8',
      requestId: 'c2d4e6f8',
      clientMessageId: 'crm-msg-7',
      to: '33612345678',
      from: '33700000001',
      timestamp: '1506607698000',
      ...fields,
    });

  it('reads RECEIVED_BY_RECIPIENT and DELIVERED_TO_GATEWAY', () => {
    const [delivered] = webhooks.parseStatus(
      restStatus({
        statusCode: 4,
        status: 'RECEIVED_BY_RECIPIENT',
        statusDescription: 'Received by recipient',
      }),
    );
    expect(delivered).toEqual({
      providerMessageId: 'b2a3f1e0d9c8b7a6f5e4d3c2b1a0f9e8',
      status: 'delivered',
      providerStatus: 'RECEIVED_BY_RECIPIENT',
      errorCode: null,
      reason: null,
      optOut: false,
      occurredAt: new Date(TIMESTAMP),
    });
    const [sent] = webhooks.parseStatus(
      restStatus({ statusCode: '3', status: 'DELIVERED_TO_GATEWAY' }),
    );
    expect(sent.status).toBe('sent');
  });

  it('accepts apiMessageId for messageId and prefers the callback statusDescription as reason', () => {
    const [receipt] = webhooks.parseStatus(
      json({
        apiMessageId: 'api-1',
        status: 'ROUTING_ERROR',
        statusCode: 100,
        statusDescription: 'No route to destination',
      }),
    );
    expect(receipt).toMatchObject({
      providerMessageId: 'api-1',
      status: 'failed',
      reason: 'No route to destination (Clickatell ROUTING_ERROR 100)',
    });
  });

  it('never maps by number alone: an unknown word is skipped whatever its code', () => {
    const ignored: IgnoredWebhookEntry[] = [];
    const reporting = new ClickatellWebhooks({ onIgnored: (entry) => ignored.push(entry) });
    expect(reporting.parseStatus(restStatus({ statusCode: 4, status: 'SOMETHING_NEW' }))).toEqual(
      [],
    );
    expect(ignored).toHaveLength(1);
  });
});

describe('ClickatellWebhooks.parseStatus refuses other shapes', () => {
  const webhooks = new ClickatellWebhooks();

  it.each([
    ['an array', [{ messageId: 'm', status: 'QUEUED' }]],
    ['a string', 'messageId=m'],
    ['an object of another shape', { hello: 'world' }],
    ['a status without messageId', { event: { messageStatusUpdate: [{ status: 'QUEUED' }] } }],
    ['a status without status', { event: { messageStatusUpdate: [{ messageId: 'm' }] } }],
    ['a non-list event', { event: { messageStatusUpdate: { messageId: 'm' } } }],
    ['a non-object update', { event: { messageStatusUpdate: ['m'] } }],
    ['a REST reply', { replyMessageId: 'r', fromNumber: '33612345678', text: 'hi' }],
  ])('%s', (_label, body) => {
    expect(() => webhooks.parseStatus(json(body))).toThrow(WebhookPayloadError);
  });

  it('says what was expected, and never quotes phone numbers or texts', () => {
    let message = '';
    try {
      webhooks.parseStatus(json({ to: '33612345678', text: 'my secret' }));
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^clickatell status callback: expected a One API callback/);
    expect(message).toContain('keys to, text');
    expect(message).not.toContain('33612345678');
    expect(message).not.toContain('my secret');
  });

  it('reports a body that is not JSON', () => {
    expect(() => webhooks.parseStatus({ headers: {}, query: {}, body: '{not json' })).toThrow(
      /clickatell status callback: the body is not JSON/,
    );
  });
});

describe('ClickatellWebhooks.parseInbound', () => {
  const webhooks = new ClickatellWebhooks();

  it('reads a One API reply and adds the missing "+"', () => {
    expect(webhooks.parseInbound(oneApiReply({}))).toEqual([
      {
        providerMessageId: '3a89680503414383af44dcd0e4e5f184',
        from: '+2799900001',
        to: '+2799900002',
        text: 'Text Content of the reply message',
        receivedAt: new Date(TIMESTAMP),
      },
    ]);
  });

  it('reads a REST reply: the reply id is replyMessageId, messageId is our original message', () => {
    const body = {
      integrationName: 'My integration',
      messageId: 'original-mt-id',
      replyMessageId: 'reply-mo-id',
      fromNumber: '33612345678',
      toNumber: '33700000001',
      timestamp: 1706695200000,
      text: 'STOP',
      charset: 'UTF-8',
      udh: '',
      network: '1',
      keyword: 'STOP',
    };
    expect(webhooks.parseInbound(json(body))).toEqual([
      {
        providerMessageId: 'reply-mo-id',
        from: '+33612345678',
        to: '+33700000001',
        text: 'STOP',
        receivedAt: new Date(1706695200000),
      },
    ]);
  });

  it('keeps short codes and alphanumeric senders as received', () => {
    const [message] = webhooks.parseInbound(oneApiReply({ from: '32123', to: 'MyShop' }));
    expect(message).toMatchObject({ from: '32123', to: 'MyShop' });
  });

  it('ignores replies on other channels and unknown event types', () => {
    const ignored: IgnoredWebhookEntry[] = [];
    const reporting = new ClickatellWebhooks({ onIgnored: (entry) => ignored.push(entry) });
    expect(reporting.parseInbound(oneApiReply({ channel: 'whatsapp' }))).toEqual([]);
    expect(reporting.parseInbound(json({ event: { moMedia: [{ channel: 'whatsapp' }] } }))).toEqual(
      [],
    );
    expect(ignored.map((entry) => entry.kind)).toEqual(['inbound', 'inbound']);
  });

  it('refuses status callbacks and malformed replies', () => {
    expect(() => webhooks.parseInbound(oneApiStatus({ status: 'QUEUED' }))).toThrow(
      /this is a status callback; configure Clickatell to send status callbacks to \/webhooks\/clickatell\/status/,
    );
    expect(() =>
      webhooks.parseInbound(
        json({ messageId: 'm', statusCode: 4, status: 'RECEIVED_BY_RECIPIENT' }),
      ),
    ).toThrow(/this is a status callback/);
    expect(() => webhooks.parseInbound(oneApiReply({ from: undefined }))).toThrow(
      /event\.moText\[0\]: from is missing/,
    );
    expect(() => webhooks.parseInbound(oneApiReply({ content: 42 }))).toThrow(/content is number/);
    expect(() => webhooks.parseInbound(json({ fromNumber: '33612345678' }))).toThrow(
      /text is undefined/,
    );
    expect(() => webhooks.parseInbound(json([]))).toThrow(WebhookPayloadError);
  });

  it('acknowledges with 200', () => {
    expect(webhooks.ackInbound()).toEqual({ status: 200 });
    expect(webhooks.ackStatus()).toEqual({ status: 200 });
  });
});
