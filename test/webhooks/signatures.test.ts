import * as crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Server } from 'node:http';
import { TwilioWebhooks } from '../../src/webhooks/providers/twilio.webhooks';
import type { InboundMessage } from '../../src/webhooks/providers/types';
import { tokensEqual, twilioSignature, verifyTwilioSignature } from '../../src/webhooks/signatures';

/*
 * Known vectors, all with auth token '12345' and URL https://mycompany.com/myapp.php?foo=1&bar=2:
 * - twilio/twilio-node spec/validation.spec.js (defaultParams, defaultSignature and the port,
 *   credential, special-character and array cases below); the same params and signature are the
 *   example of twilio-php docs/usage/validation.rst.
 * - TwilioDevEd/api-snippets security/signature_validation/signature_validation.3.x.js (Caller and
 *   From +14158675310).
 * - The "Webhooks security" example params with +12349013030 (TwilioDevEd/api-snippets
 *   security/signature_validation_tests; expected value from a doctest that cites
 *   twilio.com/docs/usage/security#validating-requests, gist ryanwinchester/ab49855e…).
 */
const TOKEN = '12345';
const URL = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const PARAMS = {
  CallSid: 'CA1234567890ABCDE',
  Caller: '+14158675309',
  Digits: '1234',
  From: '+14158675309',
  To: '+18005551212',
};
const SIGNATURE = 'RSOYDt4T1cUTdK1PDd93/VVr8B8=';

/**
 * The published algorithm written out by hand, independently of src/: the URL, then each
 * parameter name and value in the order a person sorts them, HMAC-SHA1 with the auth token,
 * base64.
 */
function referenceSignature(token: string, data: string): string {
  return crypto.createHmac('sha1', token).update(Buffer.from(data, 'utf-8')).digest('base64');
}

describe('twilioSignature', () => {
  it("matches twilio-node's defaultSignature for its defaultParams", () => {
    expect(twilioSignature(TOKEN, URL, PARAMS)).toBe(SIGNATURE);
  });

  it('matches the api-snippets and docs examples', () => {
    const with5310 = { ...PARAMS, Caller: '+14158675310', From: '+14158675310' };
    expect(twilioSignature(TOKEN, URL, with5310)).toBe('GvWf1cFY/Q7PnoempGyD5oXAezc=');
    const with3030 = { ...PARAMS, Caller: '+12349013030', From: '+12349013030' };
    expect(twilioSignature(TOKEN, URL, with3030)).toBe('0/KCTR6DLpKmkAf8muzZqo1nDgQ=');
  });

  it('agrees with the algorithm written out by hand, whatever the order the params come in', () => {
    const data =
      'https://crm.example.com/webhooks/twilio/status' +
      'AccountSid' +
      'AC00000000000000000000000000000000' +
      'ErrorCode' +
      '30003' +
      'From' +
      '+15005550006' +
      'MessageSid' +
      'SM11111111111111111111111111111111' +
      'MessageStatus' +
      'undelivered' +
      'To' +
      '+33612345678';
    const params = {
      To: '+33612345678',
      MessageStatus: 'undelivered',
      MessageSid: 'SM11111111111111111111111111111111',
      From: '+15005550006',
      ErrorCode: '30003',
      AccountSid: 'AC00000000000000000000000000000000',
    };
    expect(
      twilioSignature('secret-token', 'https://crm.example.com/webhooks/twilio/status', params),
    ).toBe(referenceSignature('secret-token', data));
  });

  it('sorts names case-sensitively (uppercase before lowercase) and hashes UTF-8', () => {
    const params = { body: 'é 😀', Body: 'Ça va ?', B: '' };
    const data = 'https://x.test/h' + 'B' + '' + 'Body' + 'Ça va ?' + 'body' + 'é 😀';
    expect(twilioSignature('t', 'https://x.test/h', params)).toBe(referenceSignature('t', data));
  });

  it('uses the URL exactly as given, query string included, without re-encoding it', () => {
    // twilio-node "should validate urls with special characters"
    const special = `${URL}&Body=It's+amazing`;
    expect(twilioSignature(TOKEN, special, PARAMS)).toBe('dsq4Ehbj6cs+KdTkpF5sSSplOWw=');
  });

  it("applies Twilio's rule for repeated names: each distinct value once, values sorted", () => {
    // twilio-node "should validate request body with an array parameter [regardless of the
    // position of values in the array]" and "...with multiple params and values"
    expect(
      twilioSignature(TOKEN, URL, { 'MessagingBinding.Address': ['+1325xxxxxxx', '+1415xxxxxxx'] }),
    ).toBe('83O6e2vORAoJHUNzJjDWN1jz+BA=');
    expect(
      twilioSignature(TOKEN, URL, { 'MessagingBinding.Address': ['+1415xxxxxxx', '+1325xxxxxxx'] }),
    ).toBe('83O6e2vORAoJHUNzJjDWN1jz+BA=');
    expect(
      twilioSignature(TOKEN, URL, {
        Sid: 'CA123',
        SidAccount: 'AC123',
        Digits: ['5678', '1234', '1234'],
      }),
    ).toBe('IK+Dwps556ElfBT0I3Rgjkr1wJU=');
  });
});

describe('verifyTwilioSignature', () => {
  it('accepts the documented signature', () => {
    expect(verifyTwilioSignature(TOKEN, URL, PARAMS, SIGNATURE)).toBe('ok');
  });

  it('accepts signatures made with or without the default port, as twilio-node does', () => {
    // twilio-node: "https urls without ports by adding standard port 443"
    expect(verifyTwilioSignature(TOKEN, URL, PARAMS, 'kvajT1Ptam85bY51eRf/AJRuM3w=')).toBe('ok');
    // "http urls without ports by adding standard port 80"
    const http = URL.replace('https', 'http');
    expect(verifyTwilioSignature(TOKEN, http, PARAMS, '0ZXoZLH/DfblKGATFgpif+LLRf4=')).toBe('ok');
    // "https urls with ports by stripping them"
    const withPort = URL.replace('.com', '.com:1234');
    expect(verifyTwilioSignature(TOKEN, withPort, PARAMS, SIGNATURE)).toBe('ok');
    // "http urls with ports" (signed with the port)
    const httpWithPort = withPort.replace('https', 'http');
    expect(verifyTwilioSignature(TOKEN, httpWithPort, PARAMS, 'Zmvh+3yNM1Phv2jhDCwEM3q5ebU=')).toBe(
      'ok',
    );
  });

  it('accepts URLs with credentials, with or without the port', () => {
    // twilio-node "should validate urls with credentials [by adding port]" and "with just username"
    const creds = 'https://user:pass@mycompany.com/myapp.php?foo=1&bar=2';
    expect(verifyTwilioSignature(TOKEN, creds, PARAMS, 'CukzLTc1tT5dXEDIHm/tKBanW10=')).toBe('ok');
    expect(verifyTwilioSignature(TOKEN, creds, PARAMS, 'ZQFR1PTIZXF2MXB8ZnKCvnnA+rI=')).toBe('ok');
    const user = 'https://user@mycompany.com/myapp.php?foo=1&bar=2';
    expect(verifyTwilioSignature(TOKEN, user, PARAMS, '2YRLlVAflCqxaNicjMpJcSTgzSs=')).toBe('ok');
  });

  it('rejects a tampered parameter, an added or a removed one', () => {
    expect(verifyTwilioSignature(TOKEN, URL, { ...PARAMS, Digits: '1235' }, SIGNATURE)).toBe(
      'invalid',
    );
    expect(verifyTwilioSignature(TOKEN, URL, { ...PARAMS, Extra: '' }, SIGNATURE)).toBe('invalid');
    const withoutDigits: Record<string, string> = { ...PARAMS };
    delete withoutDigits.Digits;
    expect(verifyTwilioSignature(TOKEN, URL, withoutDigits, SIGNATURE)).toBe('invalid');
    // A value moved to another name: the concatenation differs.
    expect(
      verifyTwilioSignature(
        TOKEN,
        URL,
        { ...PARAMS, From: '+18005551212', To: '+14158675309' },
        SIGNATURE,
      ),
    ).toBe('invalid');
  });

  it('rejects a tampered URL: path, query, host or scheme', () => {
    for (const url of [
      'https://mycompany.com/myapp.php?foo=1&bar=3',
      'https://mycompany.com/myapp.php?foo=1',
      'https://mycompany.com/other.php?foo=1&bar=2',
      'https://evil.example/myapp.php?foo=1&bar=2',
      'http://mycompany.com:443/myapp.php?foo=1&bar=2',
      `${URL}&somethingUnexpected=true`,
    ]) {
      expect(verifyTwilioSignature(TOKEN, url, PARAMS, SIGNATURE)).toBe('invalid');
    }
  });

  it('rejects another auth token, a truncated, altered or re-cased signature', () => {
    expect(verifyTwilioSignature('12346', URL, PARAMS, SIGNATURE)).toBe('invalid');
    expect(verifyTwilioSignature(TOKEN, URL, PARAMS, SIGNATURE.slice(0, -1))).toBe('invalid');
    expect(verifyTwilioSignature(TOKEN, URL, PARAMS, `${SIGNATURE}A`)).toBe('invalid');
    expect(verifyTwilioSignature(TOKEN, URL, PARAMS, SIGNATURE.replace('R', 'S'))).toBe('invalid');
    expect(verifyTwilioSignature(TOKEN, URL, PARAMS, SIGNATURE.toLowerCase())).toBe('invalid');
    expect(verifyTwilioSignature(TOKEN, URL, PARAMS, 'WRONG_SIGNATURE')).toBe('invalid');
  });

  it("answers 'missing' when there is no header, or an empty one", () => {
    expect(verifyTwilioSignature(TOKEN, URL, PARAMS, undefined)).toBe('missing');
    expect(verifyTwilioSignature(TOKEN, URL, PARAMS, '')).toBe('missing');
    expect(verifyTwilioSignature(TOKEN, URL, PARAMS, '   ')).toBe('missing');
  });

  it('refuses to check with an empty auth token (a configuration error, not a bad request)', () => {
    expect(() => verifyTwilioSignature('', URL, PARAMS, SIGNATURE)).toThrow(/auth token is empty/);
  });
});

describe('tokensEqual', () => {
  it('is true only for the same token', () => {
    expect(tokensEqual('s3cret-token-0123', 's3cret-token-0123')).toBe(true);
    expect(tokensEqual('s3cret-token-0123', 's3cret-token-0124')).toBe(false);
    expect(tokensEqual('s3cret-token-0123', 'S3cret-token-0123')).toBe(false);
    expect(tokensEqual('jeton-été', 'jeton-été')).toBe(true);
    expect(tokensEqual('jeton-été', 'jeton-ete')).toBe(false);
  });

  it('is false for a prefix, a longer value, an empty or absent token', () => {
    expect(tokensEqual('s3cret-token', 's3cret')).toBe(false);
    expect(tokensEqual('s3cret-token', 's3cret-token-and-more')).toBe(false);
    expect(tokensEqual('s3cret-token', '')).toBe(false);
    expect(tokensEqual('s3cret-token', undefined)).toBe(false);
  });

  it('never authenticates with an empty expected token', () => {
    expect(tokensEqual('', '')).toBe(false);
    expect(tokensEqual('', undefined)).toBe(false);
  });
});

describe('a real form POST through express.urlencoded', () => {
  const AUTH_TOKEN = 'f0e1d2c3b4a5968778695a4b3c2d1e0f';
  const PUBLIC_URL = 'https://crm.example.com/webhooks/twilio/inbound?tenant=acme';
  let server: Server;
  let baseUrl: string;
  const seen: { check: string; messages: InboundMessage[] }[] = [];

  beforeAll(async () => {
    const app = express();
    app.use(express.urlencoded({ extended: false }));
    app.post('/webhooks/twilio/inbound', (req, res) => {
      const header = req.get('X-Twilio-Signature');
      const check = verifyTwilioSignature(AUTH_TOKEN, PUBLIC_URL, req.body, header);
      const webhooks = new TwilioWebhooks();
      seen.push({ check, messages: check === 'ok' ? webhooks.parseInbound(req) : [] });
      const ack = webhooks.ackInbound();
      res.status(check === 'ok' ? ack.status : check === 'missing' ? 400 : 403);
      res.type(ack.contentType ?? 'text/plain').send(ack.body ?? '');
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  beforeEach(() => {
    seen.length = 0;
  });

  // Built the way Twilio sends it: form-encoded, spaces as '+', the plus sign as %2B.
  const form: [string, string][] = [
    ['ToCountry', 'FR'],
    ['SmsMessageSid', 'SM0123456789abcdef0123456789abcdef'],
    ['NumMedia', '0'],
    ['SmsSid', 'SM0123456789abcdef0123456789abcdef'],
    ['SmsStatus', 'received'],
    ['Body', 'STOP svp, ça suffit 😀 & merci = 100% +1'],
    ['To', '+33700000001'],
    ['NumSegments', '1'],
    ['MessageSid', 'SM0123456789abcdef0123456789abcdef'],
    ['AccountSid', 'AC0123456789abcdef0123456789abcdef'],
    ['From', '+33612345678'],
    ['ApiVersion', '2010-04-01'],
  ];

  async function post(signature: string | undefined, body = form): Promise<Response> {
    const headers: Record<string, string> = {
      'Content-Type': 'application/x-www-form-urlencoded',
    };
    if (signature !== undefined) {
      headers['X-Twilio-Signature'] = signature;
    }
    return fetch(`${baseUrl}/webhooks/twilio/inbound`, {
      method: 'POST',
      headers,
      body: new URLSearchParams(body).toString(),
    });
  }

  function signed(body = form): string {
    const data =
      PUBLIC_URL +
      [...body]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .flat()
        .join('');
    return referenceSignature(AUTH_TOKEN, data);
  }

  it('verifies against the configured public URL and parses the message', async () => {
    const response = await post(signed());
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/xml/);
    expect(await response.text()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    expect(seen).toEqual([
      {
        check: 'ok',
        messages: [
          {
            providerMessageId: 'SM0123456789abcdef0123456789abcdef',
            from: '+33612345678',
            to: '+33700000001',
            text: 'STOP svp, ça suffit 😀 & merci = 100% +1',
            receivedAt: null,
          },
        ],
      },
    ]);
  });

  it('answers 403 when a field was changed in transit and 400 without a signature', async () => {
    const tampered = form.map(([k, v]): [string, string] => [k, k === 'From' ? '+33699999999' : v]);
    expect((await post(signed(), tampered)).status).toBe(403);
    expect((await post(undefined)).status).toBe(400);
    expect(seen.map((s) => s.check)).toEqual(['invalid', 'missing']);
  });

  it('verifies repeated fields the way Twilio signs them', async () => {
    const body: [string, string][] = [
      ['From', '+33612345678'],
      ['MediaUrl', 'https://b.test/2'],
      ['Body', ''],
      ['MediaUrl', 'https://a.test/1'],
    ];
    const data =
      PUBLIC_URL +
      'Body' +
      '' +
      'From' +
      '+33612345678' +
      'MediaUrl' +
      'https://a.test/1' +
      'MediaUrl' +
      'https://b.test/2';
    expect((await post(referenceSignature(AUTH_TOKEN, data), body)).status).toBe(200);
    expect(seen[0].messages[0].text).toBe('');
  });
});
