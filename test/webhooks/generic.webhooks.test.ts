import { GenericHttpWebhooks } from '../../src/webhooks/providers/generic.webhooks';
import type { WebhookRequest } from '../../src/webhooks/providers/types';
import { WebhookPayloadError } from '../../src/webhooks/providers/types';

const json = (body: unknown): WebhookRequest => ({ headers: {}, query: {}, body });

describe('GenericHttpWebhooks.parseStatus', () => {
  const webhooks = new GenericHttpWebhooks();

  it('reads the documented shape, optional fields included', () => {
    expect(
      webhooks.parseStatus(
        json({
          message_id: 'abc-123',
          status: 'undelivered',
          error_code: 'EXPIRED',
          reason: 'Handset off for 48 h',
          opt_out: false,
          occurred_at: '2026-01-31T10:00:00Z',
        }),
      ),
    ).toEqual([
      {
        providerMessageId: 'abc-123',
        status: 'undelivered',
        providerStatus: 'undelivered',
        errorCode: 'EXPIRED',
        reason: 'Handset off for 48 h',
        optOut: false,
        occurredAt: new Date('2026-01-31T10:00:00Z'),
      },
    ]);
  });

  it('reads arrays, numbers as ids and codes, any case, and opt_out', () => {
    const receipts = webhooks.parseStatus(
      json([
        { message_id: 1001, status: 'DELIVERED' },
        {
          message_id: 'm2',
          status: 'failed',
          error_code: 26,
          opt_out: true,
          occurred_at: 1769853600,
        },
      ]),
    );
    expect(receipts).toEqual([
      expect.objectContaining({
        providerMessageId: '1001',
        status: 'delivered',
        providerStatus: 'DELIVERED',
        errorCode: null,
        reason: null,
        optOut: false,
        occurredAt: null,
      }),
      expect.objectContaining({
        providerMessageId: 'm2',
        status: 'failed',
        errorCode: '26',
        optOut: true,
        occurredAt: new Date(1769853600 * 1000),
      }),
    ]);
  });

  it.each([
    [
      'an unknown status',
      { message_id: 'm', status: 'bounced' },
      "status 'bounced' is not one of accepted, sent, delivered, undelivered, failed",
    ],
    ['no message_id', { status: 'sent' }, 'message_id is missing'],
    ['no status', { message_id: 'm' }, 'status is missing'],
    [
      'a non-boolean opt_out',
      { message_id: 'm', status: 'failed', opt_out: 'yes' },
      'opt_out is a string',
    ],
    [
      'a time without zone',
      { message_id: 'm', status: 'sent', occurred_at: '2026-01-31 10:00' },
      'occurred_at',
    ],
    ['a nested message_id', { message_id: { id: 1 }, status: 'sent' }, 'message_id is an object'],
  ])('refuses %s', (_label, body, message) => {
    expect(() => webhooks.parseStatus(json(body))).toThrow(WebhookPayloadError);
    expect(() => webhooks.parseStatus(json(body))).toThrow(message);
  });

  it('refuses non-objects', () => {
    expect(() => webhooks.parseStatus(json(42))).toThrow(
      /http status webhook: expected a JSON object, got number/,
    );
    // A string body is the unparsed request: it must be JSON.
    expect(() => webhooks.parseStatus(json('sent'))).toThrow(/the body is not JSON/);
    expect(() => webhooks.parseStatus(json('"sent"'))).toThrow(
      /expected a JSON object, got a string/,
    );
    expect(() => webhooks.parseStatus(json([{ message_id: 'm', status: 'sent' }, 3]))).toThrow(
      /http status webhook \[1\]: expected a JSON object, got number/,
    );
  });
});

describe('GenericHttpWebhooks.parseInbound', () => {
  const webhooks = new GenericHttpWebhooks();

  it('reads the documented shape and adds a missing "+"', () => {
    expect(
      webhooks.parseInbound(
        json({
          from: '33612345678',
          to: '+33700000000',
          text: 'STOP',
          message_id: 'mo-1',
          received_at: '2026-01-31T11:00:00+01:00',
        }),
      ),
    ).toEqual([
      {
        providerMessageId: 'mo-1',
        from: '+33612345678',
        to: '+33700000000',
        text: 'STOP',
        receivedAt: new Date('2026-01-31T10:00:00Z'),
      },
    ]);
    expect(
      webhooks.parseInbound(json({ from: '+33612345678', to: '+33700000000', text: '' }))[0],
    ).toMatchObject({
      providerMessageId: null,
      receivedAt: null,
      text: '',
    });
  });

  it('refuses entries without from, to or text', () => {
    expect(() => webhooks.parseInbound(json({ to: '+33700000000', text: 'x' }))).toThrow(
      /from is missing/,
    );
    expect(() => webhooks.parseInbound(json({ from: '+33612345678', text: 'x' }))).toThrow(
      /to is missing/,
    );
    expect(() => webhooks.parseInbound(json({ from: '+33612345678', to: '+33700000000' }))).toThrow(
      /text is undefined, expected text/,
    );
  });

  it('acknowledges with 204', () => {
    expect(webhooks.ackStatus()).toEqual({ status: 204 });
    expect(webhooks.ackInbound()).toEqual({ status: 204 });
  });
});
