import { TwilioWebhooks } from '../../src/webhooks/providers/twilio.webhooks';
import type { IgnoredWebhookEntry, WebhookRequest } from '../../src/webhooks/providers/types';
import { WebhookPayloadError } from '../../src/webhooks/providers/types';

const SID = 'SMb7c0a2ce80504485a6f653a7110836f5';

/** A status callback as Twilio posts it (form fields, parsed by express.urlencoded). */
function statusCallback(fields: Record<string, string | string[]>): WebhookRequest {
  return {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    query: {},
    body: {
      SmsSid: SID,
      SmsStatus: fields.MessageStatus ?? 'sent',
      MessageStatus: 'sent',
      To: '+33612345678',
      MessagingServiceSid: 'MG0123456789abcdef0123456789abcdef',
      MessageSid: SID,
      AccountSid: 'AC0123456789abcdef0123456789abcdef',
      From: '+15005550006',
      ApiVersion: '2010-04-01',
      ...fields,
    },
  };
}

function inbound(fields: Record<string, string>): WebhookRequest {
  return {
    headers: {},
    query: {},
    body: {
      ToCountry: 'US',
      ToState: 'CA',
      SmsMessageSid: SID,
      NumMedia: '0',
      SmsSid: SID,
      SmsStatus: 'received',
      Body: 'Hello',
      To: '+15005550006',
      NumSegments: '1',
      MessageSid: SID,
      AccountSid: 'AC0123456789abcdef0123456789abcdef',
      From: '+14155550123',
      ApiVersion: '2010-04-01',
      ...fields,
    },
  };
}

describe('TwilioWebhooks.parseStatus', () => {
  const webhooks = new TwilioWebhooks();

  it('reads a delivered receipt', () => {
    expect(webhooks.parseStatus(statusCallback({ MessageStatus: 'delivered' }))).toEqual([
      {
        providerMessageId: SID,
        status: 'delivered',
        providerStatus: 'delivered',
        errorCode: null,
        reason: null,
        optOut: false,
        occurredAt: null,
      },
    ]);
  });

  it('reads an undelivered receipt with its error code and a readable reason', () => {
    const [receipt] = webhooks.parseStatus(
      statusCallback({
        MessageStatus: 'undelivered',
        ErrorCode: '30003',
        RawDlrDoneDate: '2401311015',
      }),
    );
    expect(receipt).toMatchObject({
      status: 'undelivered',
      providerStatus: 'undelivered',
      errorCode: '30003',
      reason: 'Unreachable destination handset (Twilio 30003)',
      optOut: false,
      // RawDlrDoneDate has no time zone: not turned into an instant.
      occurredAt: null,
    });
  });

  it('flags 21610 (recipient replied STOP) as an opt-out', () => {
    const [receipt] = webhooks.parseStatus(
      statusCallback({ MessageStatus: 'failed', ErrorCode: '21610' }),
    );
    expect(receipt).toMatchObject({
      status: 'failed',
      errorCode: '21610',
      reason: 'Recipient has opted out (replied STOP) (Twilio 21610)',
      optOut: true,
    });
  });

  it("uses Twilio's ErrorMessage for codes missing from the table", () => {
    const [receipt] = webhooks.parseStatus(
      statusCallback({
        MessageStatus: 'failed',
        ErrorCode: '63016',
        ErrorMessage: 'Outside window',
      }),
    );
    expect(receipt.reason).toBe('Outside window (Twilio 63016)');
    const [bare] = webhooks.parseStatus(
      statusCallback({ MessageStatus: 'failed', ErrorCode: '12345' }),
    );
    expect(bare.reason).toBe('Twilio error (Twilio 12345)');
  });

  it.each([
    ['accepted', 'accepted'],
    ['scheduled', 'accepted'],
    ['queued', 'accepted'],
    ['sending', 'sent'],
    ['sent', 'sent'],
    ['partially_delivered', 'sent'],
    ['delivered', 'delivered'],
    ['read', 'delivered'],
    ['undelivered', 'undelivered'],
    ['failed', 'failed'],
    ['canceled', 'failed'],
    ['Delivered', 'delivered'],
  ])('maps MessageStatus %s to %s', (word, status) => {
    const [receipt] = webhooks.parseStatus(statusCallback({ MessageStatus: word }));
    expect(receipt.status).toBe(status);
    expect(receipt.providerStatus).toBe(word);
  });

  it('explains canceled and partially_delivered receipts', () => {
    const [canceled] = webhooks.parseStatus(statusCallback({ MessageStatus: 'canceled' }));
    expect(canceled.reason).toBe('Canceled before it was sent (Twilio status canceled)');
    const [partial] = webhooks.parseStatus(
      statusCallback({ MessageStatus: 'partially_delivered' }),
    );
    expect(partial.reason).toMatch(/only some parts/i);
  });

  it('treats ErrorCode 0 or empty as no error', () => {
    expect(
      webhooks.parseStatus(statusCallback({ MessageStatus: 'sent', ErrorCode: '0' }))[0].errorCode,
    ).toBeNull();
    expect(
      webhooks.parseStatus(statusCallback({ MessageStatus: 'sent', ErrorCode: '' }))[0].errorCode,
    ).toBeNull();
  });

  it('returns no receipt, and reports it, for inbound statuses and unknown words — never a guess', () => {
    const ignored: IgnoredWebhookEntry[] = [];
    const reporting = new TwilioWebhooks({ onIgnored: (entry) => ignored.push(entry) });
    expect(reporting.parseStatus(statusCallback({ MessageStatus: 'received' }))).toEqual([]);
    expect(reporting.parseStatus(statusCallback({ MessageStatus: 'teleported' }))).toEqual([]);
    expect(ignored).toEqual([
      expect.objectContaining({
        provider: 'twilio',
        kind: 'status',
        providerMessageId: SID,
        providerStatus: 'received',
      }),
      expect.objectContaining({
        providerStatus: 'teleported',
        why: "unknown MessageStatus 'teleported'",
      }),
    ]);
  });

  it('reads SmsSid/SmsStatus when an old callback has only those', () => {
    const [receipt] = webhooks.parseStatus({
      headers: {},
      query: {},
      body: { SmsSid: SID, SmsStatus: 'delivered', To: '+33612345678' },
    });
    expect(receipt).toMatchObject({ providerMessageId: SID, status: 'delivered' });
  });

  it('parses a body the route kept as text', () => {
    const raw = new URLSearchParams({
      MessageSid: SID,
      MessageStatus: 'failed',
      ErrorCode: '30007',
    }).toString();
    expect(
      webhooks.parseStatus({ headers: {}, query: {}, body: {}, rawBody: raw })[0],
    ).toMatchObject({
      status: 'failed',
      reason: 'Message filtered by the carrier (Twilio 30007)',
    });
    expect(webhooks.parseStatus({ headers: {}, query: {}, body: raw })[0].errorCode).toBe('30007');
  });

  it('refuses bodies that are not a Twilio status callback', () => {
    const cases: unknown[] = [
      { MessageSid: SID },
      { MessageStatus: 'sent' },
      {},
      [{ MessageSid: SID, MessageStatus: 'sent' }],
      'not a form',
      null,
      { MessageSid: SID, MessageStatus: ['sent', 'delivered'] },
      { MessageSid: { nested: true }, MessageStatus: 'sent' },
    ];
    for (const body of cases) {
      expect(() => webhooks.parseStatus({ headers: {}, query: {}, body })).toThrow(
        WebhookPayloadError,
      );
    }
    expect(() =>
      webhooks.parseStatus({ headers: {}, query: {}, body: { To: '+33612345678' } }),
    ).toThrow(
      'twilio status callback: expected form fields MessageSid and MessageStatus, got fields To',
    );
  });
});

describe('TwilioWebhooks.parseInbound', () => {
  const webhooks = new TwilioWebhooks();

  it('reads an incoming SMS', () => {
    expect(webhooks.parseInbound(inbound({ Body: 'Hello there' }))).toEqual([
      {
        providerMessageId: SID,
        from: '+14155550123',
        to: '+15005550006',
        text: 'Hello there',
        receivedAt: null,
      },
    ]);
  });

  it.each(['STOP', 'START', 'HELP'])('passes OptOutType %s on (Advanced Opt-Out)', (type) => {
    const [message] = webhooks.parseInbound(
      inbound({ Body: type.toLowerCase(), OptOutType: type }),
    );
    expect(message.providerOptOutType).toBe(type);
  });

  it('leaves providerOptOutType out when Twilio did not send a known one', () => {
    expect(webhooks.parseInbound(inbound({ Body: 'STOP' }))[0]).not.toHaveProperty(
      'providerOptOutType',
    );
    expect(webhooks.parseInbound(inbound({ OptOutType: 'MAYBE' }))[0]).not.toHaveProperty(
      'providerOptOutType',
    );
  });

  it('keeps an empty body (an MMS with only media) and the text exactly as sent', () => {
    expect(webhooks.parseInbound(inbound({ Body: '', NumMedia: '1' }))[0].text).toBe('');
    expect(webhooks.parseInbound(inbound({ Body: '  Stop  \n' }))[0].text).toBe('  Stop  \n');
  });

  it('refuses bodies without From or Body', () => {
    expect(() => webhooks.parseInbound({ headers: {}, query: {}, body: { Body: 'hi' } })).toThrow(
      /twilio incoming message webhook: expected form fields From and Body/,
    );
    expect(() =>
      webhooks.parseInbound({ headers: {}, query: {}, body: { From: '+14155550123' } }),
    ).toThrow(WebhookPayloadError);
  });
});

describe('TwilioWebhooks acknowledgements', () => {
  it('answers inbound with empty TwiML and status callbacks with 204', () => {
    const webhooks = new TwilioWebhooks();
    expect(webhooks.ackInbound()).toEqual({
      status: 200,
      contentType: 'text/xml',
      body: '<?xml version="1.0" encoding="UTF-8"?><Response/>',
    });
    expect(webhooks.ackStatus()).toEqual({ status: 204 });
  });
});
