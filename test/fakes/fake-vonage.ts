/**
 * A fake Vonage (Nexmo) SMS API, the model the generic HTTP gateway is configured for:
 * POST /sms/json with api_key, api_secret, from, to (E.164 without '+'), text, client-ref, as a
 * form or as JSON. It answers HTTP 200 even for errors, with a per-message `status`:
 * "0" accepted, "1" throttled, "2" missing parameter, "3" invalid parameter, "4" bad credentials.
 */
import { randomBytes } from 'node:crypto';
import type { AcceptedMessage, FakeGateway, FakeReply, RecordedRequest } from './fake-server';
import { startFakeServer } from './fake-server';

export interface FakeVonageOptions {
  apiKey: string;
  apiSecret: string;
  port?: number;
}

export const DEFAULT_VONAGE_CREDENTIALS = {
  apiKey: 'fakekey1',
  apiSecret: 'fake-vonage-secret-0000',
};

const MSISDN = /^[1-9]\d{6,14}$/;

export interface FakeVonage extends FakeGateway {
  readonly apiKey: string;
  readonly apiSecret: string;
}

export async function startFakeVonage(
  options: FakeVonageOptions = DEFAULT_VONAGE_CREDENTIALS,
): Promise<FakeVonage> {
  const handle = (request: RecordedRequest): FakeReply => {
    if (request.path !== '/sms/json') {
      return { status: 404, body: '<html><body>Not Found</body></html>' };
    }
    // Vonage reads the query string, a form body or a JSON body alike.
    const params: Record<string, unknown> = {
      ...request.query,
      ...(typeof request.body === 'object' && request.body !== null ? request.body : {}),
    };
    const text = (name: string): string =>
      typeof params[name] === 'string' || typeof params[name] === 'number'
        ? String(params[name])
        : '';
    for (const name of ['api_key', 'api_secret', 'from', 'to', 'text']) {
      if (text(name) === '') {
        return vonageError('2', `Missing ${name} param`);
      }
    }
    if (text('api_key') !== options.apiKey || text('api_secret') !== options.apiSecret) {
      return vonageError('4', 'Bad Credentials');
    }
    const to = text('to');
    if (!MSISDN.test(to)) {
      return vonageError('3', 'Invalid to param');
    }
    const id = randomBytes(8).toString('hex').toUpperCase();
    const accepted: AcceptedMessage = {
      id,
      to,
      body: text('text'),
      from: text('from'),
      extra: { 'client-ref': text('client-ref') || null },
      receivedAt: request.receivedAt,
    };
    const message: Record<string, string> = {
      to,
      'message-id': id,
      status: '0',
      'remaining-balance': '15.53590000',
      'message-price': '0.03330000',
      network: '20801',
    };
    if (text('client-ref')) {
      message['client-ref'] = text('client-ref');
    }
    return {
      status: 200,
      accepted: [accepted],
      body: { 'message-count': '1', messages: [message] },
    };
  };

  const fake = await startFakeServer({ name: 'vonage', handle, port: options.port });
  return Object.assign(fake, { apiKey: options.apiKey, apiSecret: options.apiSecret });
}

/** Vonage's error answer: still HTTP 200, the status says what went wrong. */
export function vonageError(status: string, errorText: string): FakeReply {
  return {
    status: 200,
    body: { 'message-count': '1', messages: [{ status, 'error-text': errorText }] },
  };
}
