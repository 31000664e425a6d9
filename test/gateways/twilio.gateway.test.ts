import { TwilioGateway } from '../../src/gateways/twilio/twilio.gateway';
import { closedPortUrl } from '../fakes/fake-server';
import type { FakeTwilio } from '../fakes/fake-twilio';
import { DEFAULT_TWILIO_CREDENTIALS, startFakeTwilio } from '../fakes/fake-twilio';
import { gatewayFailure } from '../fakes/gateway-failure';
import { outboundSms } from '../fakes/outbound-sms';

const { accountSid, authToken } = DEFAULT_TWILIO_CREDENTIALS;
const FROM = '+15005550006';
const OPTED_OUT = '+33611111111';
const LANDLINE = '+33144444444';

describe('TwilioGateway against a fake Twilio', () => {
  let fake: FakeTwilio;
  let gateway: TwilioGateway;

  beforeAll(async () => {
    fake = await startFakeTwilio({
      accountSid,
      authToken,
      optedOut: [OPTED_OUT],
      landlines: [LANDLINE],
      senders: [FROM],
    });
    gateway = new TwilioGateway({
      accountSid,
      authToken,
      from: FROM,
      baseUrl: fake.url,
      timeoutMs: 2000,
    });
  });

  afterAll(async () => {
    await gateway.close();
    await fake.close();
  });

  beforeEach(() => fake.reset());

  it('sends a form-encoded POST with Basic auth and returns the sid, status and segments', async () => {
    const sms = outboundSms({
      statusCallbackUrl: 'https://crm.example.com/webhooks/twilio/status',
    });
    const result = await gateway.send(sms);

    expect(result.providerMessageId).toMatch(/^SM[0-9a-f]{32}$/);
    expect(result.providerStatus).toBe('queued');
    expect(result.segments).toBe(1);
    const [request] = fake.requests;
    expect(request.method).toBe('POST');
    expect(request.path).toBe(`/2010-04-01/Accounts/${accountSid}/Messages.json`);
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request.headers.authorization).toBe(
      `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`,
    );
    expect(request.body).toEqual({
      To: sms.to,
      From: FROM,
      Body: sms.body,
      StatusCallback: 'https://crm.example.com/webhooks/twilio/status',
    });
    expect(fake.accepted.map((m) => m.id)).toEqual([result.providerMessageId]);
  });

  it('sends through a Messaging Service when configured (status accepted)', async () => {
    const viaService = new TwilioGateway({
      accountSid,
      authToken,
      messagingServiceSid: 'MG0123456789abcdef0123456789abcdef',
      baseUrl: fake.url,
      timeoutMs: 2000,
    });
    try {
      const result = await viaService.send(outboundSms({ body: 'ж'.repeat(71) }));
      expect(result.providerStatus).toBe('accepted');
      expect(result.segments).toBe(2);
      expect(fake.requests[0].body).toMatchObject({
        MessagingServiceSid: 'MG0123456789abcdef0123456789abcdef',
      });
      expect(fake.requests[0].body).not.toHaveProperty('From');
    } finally {
      await viaService.close();
    }
  });

  it('refuses to start without a sender', () => {
    expect(() => new TwilioGateway({ accountSid, authToken, timeoutMs: 1000 })).toThrow(
      /from .*messagingServiceSid/,
    );
  });

  it('invalid To (21211) → permanent with the Twilio code', async () => {
    const error = await gatewayFailure(gateway.send(outboundSms({ to: '33612345678' })));
    expect(error).toMatchObject({ kind: 'permanent', code: '21211', optOut: false });
    expect(error.options.httpStatus).toBe(400);
    expect(error.message).toContain('not a valid phone number');
  });

  it('recipient replied STOP (21610) → permanent and optOut', async () => {
    const error = await gatewayFailure(gateway.send(outboundSms({ to: OPTED_OUT })));
    expect(error).toMatchObject({ kind: 'permanent', code: '21610', optOut: true });
  });

  it('landline (21614) → permanent', async () => {
    const error = await gatewayFailure(gateway.send(outboundSms({ to: LANDLINE })));
    expect(error).toMatchObject({ kind: 'permanent', code: '21614', optOut: false });
  });

  it('From not SMS-capable (21606) → permanent', async () => {
    const wrongSender = new TwilioGateway({
      accountSid,
      authToken,
      from: '+15005550001',
      baseUrl: fake.url,
      timeoutMs: 2000,
    });
    const error = await gatewayFailure(wrongSender.send(outboundSms()));
    await wrongSender.close();
    expect(error).toMatchObject({ kind: 'permanent', code: '21606' });
  });

  it('bad credentials (401, 20003) → permanent, and the token appears nowhere', async () => {
    const badToken = 'wrong-token-that-must-not-leak';
    const wrong = new TwilioGateway({
      accountSid,
      authToken: badToken,
      from: FROM,
      baseUrl: fake.url,
      timeoutMs: 2000,
    });
    const error = await gatewayFailure(wrong.send(outboundSms()));
    await wrong.close();
    expect(error).toMatchObject({ kind: 'permanent', code: '20003' });
    expect(error.options.httpStatus).toBe(401);
    expect(`${error.message} ${JSON.stringify(error)}`).not.toContain(badToken);
  });

  it('429 (20429) with Retry-After → transient with retryAfterMs, and the next send goes through', async () => {
    fake.script({
      status: 429,
      headers: { 'Retry-After': '1' },
      body: {
        code: 20429,
        message: 'Too Many Requests',
        more_info: 'https://www.twilio.com/docs/errors/20429',
        status: 429,
      },
    });
    const error = await gatewayFailure(gateway.send(outboundSms()));
    expect(error).toMatchObject({ kind: 'transient', code: '20429', retryAfterMs: 1000 });

    const result = await gateway.send(outboundSms());
    expect(result.providerMessageId).toMatch(/^SM/);
    expect(fake.accepted).toHaveLength(1);
  });

  it('503 with an HTML body → transient', async () => {
    fake.script({ status: 503, body: '<html><body>Service Unavailable</body></html>' });
    const error = await gatewayFailure(gateway.send(outboundSms()));
    expect(error).toMatchObject({ kind: 'transient', code: 'http_503' });
  });

  it('connection refused → transient', async () => {
    const down = new TwilioGateway({
      accountSid,
      authToken,
      from: FROM,
      baseUrl: await closedPortUrl(),
      timeoutMs: 2000,
    });
    const error = await gatewayFailure(down.send(outboundSms()));
    await down.close();
    expect(error).toMatchObject({ kind: 'transient', code: 'ECONNREFUSED' });
  });

  it('no answer in time → unknown', async () => {
    const impatient = new TwilioGateway({
      accountSid,
      authToken,
      from: FROM,
      baseUrl: fake.url,
      timeoutMs: 150,
    });
    fake.script({ action: 'hang' });
    const error = await gatewayFailure(impatient.send(outboundSms()));
    await impatient.close();
    expect(error.kind).toBe('unknown');
  });

  it('message taken but the answer lost → unknown (and it was indeed sent)', async () => {
    fake.script({ action: 'process', after: 'reset' });
    const error = await gatewayFailure(gateway.send(outboundSms()));
    expect(error.kind).toBe('unknown');
    expect(fake.accepted).toHaveLength(1);
  });

  it('describes itself without credentials', () => {
    const description = gateway.describe();
    expect(description).toEqual({ name: 'twilio', baseUrl: fake.url, sender: FROM });
    expect(JSON.stringify(description)).not.toContain(authToken);
  });
});
