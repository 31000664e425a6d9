import { ClickatellGateway } from '../../src/gateways/clickatell/clickatell.gateway';
import type { FakeClickatell } from '../fakes/fake-clickatell';
import {
  clickatellRequestError,
  DEFAULT_CLICKATELL_CREDENTIALS,
  startFakeClickatell,
} from '../fakes/fake-clickatell';
import { closedPortUrl } from '../fakes/fake-server';
import { gatewayFailure } from '../fakes/gateway-failure';
import { outboundSms } from '../fakes/outbound-sms';

const { apiKey } = DEFAULT_CLICKATELL_CREDENTIALS;
const OPTED_OUT = '33622222222';

describe('ClickatellGateway against a fake Clickatell One API', () => {
  let fake: FakeClickatell;
  let gateway: ClickatellGateway;

  beforeAll(async () => {
    fake = await startFakeClickatell({ apiKey, optedOut: [OPTED_OUT] });
    gateway = new ClickatellGateway({ apiKey, baseUrl: fake.url, timeoutMs: 2000 });
  });

  afterAll(async () => {
    await gateway.close();
    await fake.close();
  });

  beforeEach(() => fake.reset());

  it('posts JSON with the raw API key and returns the apiMessageId', async () => {
    const sms = outboundSms({ body: 'Bonjour "Ada"\nÀ demain' });
    const result = await gateway.send(sms);

    expect(result.providerMessageId).toMatch(/^[0-9a-f]{32}$/);
    const [request] = fake.requests;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/v1/message');
    expect(request.headers.authorization).toBe(apiKey);
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.body).toEqual({
      messages: [{ channel: 'sms', to: '33612345678', content: 'Bonjour "Ada"\nÀ demain' }],
    });
    expect(fake.accepted.map((m) => m.id)).toEqual([result.providerMessageId]);
  });

  it('sends the configured sender without its +', async () => {
    const withFrom = new ClickatellGateway({
      apiKey,
      baseUrl: fake.url,
      timeoutMs: 2000,
      from: '+15550001111',
    });
    await withFrom.send(outboundSms());
    await withFrom.close();
    expect(fake.requests[0].body).toMatchObject({ messages: [{ from: '15550001111' }] });
  });

  it('recipient opted out (26) → permanent and optOut', async () => {
    const error = await gatewayFailure(gateway.send(outboundSms({ to: `+${OPTED_OUT}` })));
    expect(error).toMatchObject({ kind: 'permanent', code: '26', optOut: true });
    expect(error.options.httpStatus).toBe(400);
  });

  it('invalid recipient (25) → permanent', async () => {
    const error = await gatewayFailure(gateway.send(outboundSms({ to: '+12' })));
    expect(error).toMatchObject({ kind: 'permanent', code: '25', optOut: false });
  });

  it('bad API key (401, code 1) → permanent, without the key in the message', async () => {
    const wrongKey = 'wrong-key-that-must-not-leak';
    const wrong = new ClickatellGateway({ apiKey: wrongKey, baseUrl: fake.url, timeoutMs: 2000 });
    const error = await gatewayFailure(wrong.send(outboundSms()));
    await wrong.close();
    expect(error).toMatchObject({ kind: 'permanent', code: '1' });
    expect(error.options.httpStatus).toBe(401);
    expect(`${error.message} ${JSON.stringify(error)}`).not.toContain(wrongKey);
  });

  it('no balance (402, code 20) → permanent', async () => {
    fake.script(clickatellRequestError(402, 20, 'Insufficient account balance'));
    const error = await gatewayFailure(gateway.send(outboundSms()));
    expect(error).toMatchObject({ kind: 'permanent', code: '20' });
  });

  it('rate limit (429, code 43) with Retry-After → transient with retryAfterMs', async () => {
    fake.script({
      ...clickatellRequestError(429, 43, 'Rate limit'),
      headers: { 'Retry-After': '2' },
    });
    const error = await gatewayFailure(gateway.send(outboundSms()));
    expect(error).toMatchObject({ kind: 'transient', code: '43', retryAfterMs: 2000 });
    await expect(gateway.send(outboundSms())).resolves.toHaveProperty('providerMessageId');
  });

  it('internal error, please retry (503, code 19) → transient', async () => {
    fake.script(clickatellRequestError(503, 19, 'Internal error, please retry'));
    const error = await gatewayFailure(gateway.send(outboundSms()));
    expect(error).toMatchObject({ kind: 'transient', code: '19' });
  });

  it('503 without a JSON body → transient', async () => {
    fake.script({ status: 503, body: 'upstream unavailable' });
    const error = await gatewayFailure(gateway.send(outboundSms()));
    expect(error).toMatchObject({ kind: 'transient', code: 'http_503' });
  });

  it('connection refused → transient', async () => {
    const down = new ClickatellGateway({ apiKey, baseUrl: await closedPortUrl(), timeoutMs: 2000 });
    const error = await gatewayFailure(down.send(outboundSms()));
    await down.close();
    expect(error).toMatchObject({ kind: 'transient', code: 'ECONNREFUSED' });
  });

  it('no answer in time → unknown', async () => {
    const impatient = new ClickatellGateway({ apiKey, baseUrl: fake.url, timeoutMs: 150 });
    fake.script({ action: 'hang' });
    const error = await gatewayFailure(impatient.send(outboundSms()));
    await impatient.close();
    expect(error.kind).toBe('unknown');
  });
});
