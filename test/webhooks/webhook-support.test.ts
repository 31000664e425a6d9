import {
  BulkSmsWebhooks,
  ClickatellWebhooks,
  GenericHttpWebhooks,
  TwilioWebhooks,
  WEBHOOK_PROVIDERS,
  isWebhookProvider,
  webhooksFor,
} from '../../src/webhooks/providers';
import {
  normalizeMsisdn,
  parseInstant,
  readFormBody,
  readJsonBody,
} from '../../src/webhooks/providers/webhook-support';
import { WebhookPayloadError } from '../../src/webhooks/providers/types';

describe('webhooksFor', () => {
  it('gives each provider its parser', () => {
    expect(webhooksFor('twilio')).toBeInstanceOf(TwilioWebhooks);
    expect(webhooksFor('clickatell')).toBeInstanceOf(ClickatellWebhooks);
    expect(webhooksFor('bulksms')).toBeInstanceOf(BulkSmsWebhooks);
    expect(webhooksFor('http')).toBeInstanceOf(GenericHttpWebhooks);
    for (const provider of WEBHOOK_PROVIDERS) {
      expect(webhooksFor(provider).provider).toBe(provider);
    }
  });

  it('passes onIgnored on', () => {
    const onIgnored = jest.fn();
    webhooksFor('twilio', { onIgnored }).parseStatus({
      headers: {},
      query: {},
      body: { MessageSid: 'SM1', MessageStatus: 'received' },
    });
    expect(onIgnored).toHaveBeenCalledTimes(1);
  });

  it('tells route parameters with webhooks from the others', () => {
    expect(isWebhookProvider('bulksms')).toBe(true);
    expect(isWebhookProvider('log')).toBe(false);
    expect(isWebhookProvider('Twilio')).toBe(false);
  });

  it('fails loudly for a provider the types do not allow', () => {
    expect(() => webhooksFor('log' as never)).toThrow("no webhooks for provider 'log'");
  });
});

describe('normalizeMsisdn', () => {
  it.each([
    ['33612345678', '+33612345678'],
    ['+33612345678', '+33612345678'],
    ['0033612345678', '+33612345678'],
    [' 447700900123 ', '+447700900123'],
    ['2799900001', '+2799900001'],
    // Not international numbers: kept as received rather than invented.
    ['0612345678', '0612345678'],
    ['32123', '32123'],
    ['MyShop', 'MyShop'],
    ['whatsapp:+14155550123', 'whatsapp:+14155550123'],
    ['1234567890123456', '1234567890123456'],
  ])('%s → %s', (raw, expected) => {
    expect(normalizeMsisdn(raw)).toBe(expected);
  });
});

describe('parseInstant', () => {
  it('reads epoch milliseconds and seconds, as numbers or digits', () => {
    expect(parseInstant(1506607698000)).toEqual(new Date(1506607698000));
    expect(parseInstant('1506607698000')).toEqual(new Date(1506607698000));
    expect(parseInstant(1506607698)).toEqual(new Date(1506607698000));
    expect(parseInstant('1506607698')).toEqual(new Date(1506607698000));
  });

  it('reads ISO 8601 with a zone, and refuses times it cannot place', () => {
    expect(parseInstant('2014-06-01T13:10:00Z')).toEqual(new Date('2014-06-01T13:10:00Z'));
    expect(parseInstant('2026-01-31T11:15:30+01:00')).toEqual(new Date('2026-01-31T10:15:30Z'));
    expect(parseInstant('2026-01-31T11:15:30.250+0100')).toEqual(
      new Date('2026-01-31T10:15:30.250Z'),
    );
    expect(parseInstant('2026-01-31T11:15:30')).toBeNull();
    expect(parseInstant('2401311015')).toEqual(new Date(2401311015 * 1000)); // digits are epoch
    expect(parseInstant('240131')).toBeNull();
    expect(parseInstant('yesterday')).toBeNull();
    expect(parseInstant(undefined)).toBeNull();
    expect(parseInstant(-5)).toBeNull();
    expect(parseInstant('2026-13-45T99:99:99Z')).toBeNull();
  });
});

describe('reading bodies', () => {
  it('reads a form kept as text, repeated keys as arrays', () => {
    expect(
      readFormBody(
        { headers: {}, query: {}, body: undefined, rawBody: 'a=1&b=x+y&a=2&c=%2B33' },
        'test',
      ),
    ).toEqual({ a: ['1', '2'], b: 'x y', c: '+33' });
  });

  it('reads a Buffer body as JSON', () => {
    expect(readJsonBody({ headers: {}, query: {}, body: Buffer.from('[1,2]') }, 'test')).toEqual([
      1, 2,
    ]);
  });

  it('prefers a parsed body over rawBody', () => {
    expect(
      readJsonBody({ headers: {}, query: {}, body: { a: 1 }, rawBody: '{"a":2}' }, 'test'),
    ).toEqual({ a: 1 });
  });

  it('reports an empty or broken JSON body without quoting it', () => {
    expect(() => readJsonBody({ headers: {}, query: {}, body: '' }, 'x webhook')).toThrow(
      'x webhook: the body is not JSON (empty body)',
    );
    const error = (() => {
      try {
        readJsonBody({ headers: {}, query: {}, body: '{"text": "my secret"' }, 'x webhook');
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(WebhookPayloadError);
    expect(error?.message).toBe(
      'x webhook: the body is not JSON (20 characters that do not parse)',
    );
    expect(error?.cause).toBeInstanceOf(SyntaxError);
  });
});
