import {
  BulkSmsGateway,
  bulkSmsDeduplicationIds,
} from '../../src/gateways/bulksms/bulksms.gateway';
import type { FakeBulkSms } from '../fakes/fake-bulksms';
import { DEFAULT_BULKSMS_CREDENTIALS, startFakeBulkSms } from '../fakes/fake-bulksms';
import { closedPortUrl } from '../fakes/fake-server';
import { gatewayFailure } from '../fakes/gateway-failure';
import { outboundSms } from '../fakes/outbound-sms';

const { username, password } = DEFAULT_BULKSMS_CREDENTIALS;
const BLOCKED = '+33633333333';

describe('BulkSmsGateway against a fake BulkSMS', () => {
  let fake: FakeBulkSms;
  let gateway: BulkSmsGateway;

  beforeAll(async () => {
    fake = await startFakeBulkSms({ username, password, blocked: [BLOCKED] });
    gateway = new BulkSmsGateway({ username, password, baseUrl: fake.url, timeoutMs: 2000 });
  });

  afterAll(async () => {
    await gateway.close();
    await fake.close();
  });

  beforeEach(() => fake.reset());

  it('posts JSON with Basic auth, a deduplication-id and auto-unicode, and returns id and status', async () => {
    const sms = outboundSms({ idempotencyKey: 'msg000042' });
    const result = await gateway.send(sms);

    expect(result).toEqual({ providerMessageId: fake.messages[0].id, providerStatus: 'ACCEPTED' });
    const [request] = fake.requests;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/v1/messages');
    expect(request.query).toEqual({
      'deduplication-id': String(bulkSmsDeduplicationIds('msg000042')[0]),
      'auto-unicode': 'true',
    });
    expect(request.headers.authorization).toBe(
      `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`,
    );
    expect(request.body).toEqual({
      to: sms.to,
      body: sms.body,
      encoding: 'TEXT',
      userSuppliedId: 'msg000042',
    });
  });

  it('derives the deduplication-id deterministically as a positive int32', () => {
    const [first, second] = bulkSmsDeduplicationIds('abc123');
    expect(bulkSmsDeduplicationIds('abc123')).toEqual([first, second]);
    expect(first).not.toBe(second);
    for (const id of [first, second]) {
      expect(Number.isInteger(id) && id > 0 && id <= 2 ** 31 - 1).toBe(true);
    }
  });

  it('sends UCS-2 as UNICODE and raises longMessageMaxParts for long messages', async () => {
    await gateway.send(outboundSms({ body: 'Привет' }));
    expect(fake.requests[0].body).toMatchObject({ encoding: 'UNICODE' });

    const long = outboundSms({ body: 'x'.repeat(153 * 4) });
    expect(long.segments).toBe(4);
    await gateway.send(long);
    expect(fake.requests[1].body).toMatchObject({ longMessageMaxParts: 4 });
    expect(fake.accepted).toHaveLength(2);
  });

  it('a retry with the same idempotency key is deduplicated by BulkSMS: one message, same id', async () => {
    const sms = outboundSms();
    const first = await gateway.send(sms);
    const again = await gateway.send(sms);
    expect(again.providerMessageId).toBe(first.providerMessageId);
    expect(fake.messages).toHaveLength(1);
  });

  it('another message holding the same deduplication-id does not swallow ours', async () => {
    const sms = outboundSms({ idempotencyKey: 'victim01' });
    const [taken, spare] = bulkSmsDeduplicationIds('victim01');
    // Someone else's submission already used our first deduplication-id.
    const seeded = await fetch(`${fake.url}/v1/messages?deduplication-id=${taken}`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`,
      },
      body: JSON.stringify({ to: '+33600000001', body: 'other', userSuppliedId: 'other01' }),
    });
    expect(seeded.status).toBe(201);

    const result = await gateway.send(sms);
    const ours = fake.messages.find((m) => m.userSuppliedId === 'victim01');
    expect(ours?.id).toBe(result.providerMessageId);
    expect(fake.requests.at(-1)?.query['deduplication-id']).toBe(String(spare));
    // And a later retry of ours still deduplicates.
    await gateway.send(sms);
    expect(fake.messages.filter((m) => m.userSuppliedId === 'victim01')).toHaveLength(1);
  });

  it('reconcile finds a message sent earlier by its userSuppliedId, and null for an unknown one', async () => {
    const sent = outboundSms();
    const result = await gateway.send(sent);

    await expect(gateway.reconcile(sent)).resolves.toEqual({
      providerMessageId: result.providerMessageId,
      providerStatus: 'ACCEPTED',
    });
    await expect(gateway.reconcile(outboundSms())).resolves.toBeNull();

    const lookup = fake.requests.at(-1);
    expect(lookup?.method).toBe('GET');
    expect(lookup?.query.filter).toMatch(/^type=SENT&userSuppliedId=[0-9a-f]{20}$/);
  });

  it('reconcile answers for a send whose answer was lost (unknown outcome)', async () => {
    const impatient = new BulkSmsGateway({ username, password, baseUrl: fake.url, timeoutMs: 150 });
    const sms = outboundSms();
    fake.script({ action: 'process', after: 'hang' });
    const error = await gatewayFailure(impatient.send(sms));
    expect(error.kind).toBe('unknown');

    const found = await impatient.reconcile(sms);
    await impatient.close();
    expect(found?.providerMessageId).toBe(fake.accepted[0].id);
  });

  it('reconcile reports the latest status', async () => {
    const sms = outboundSms();
    const { providerMessageId } = await gateway.send(sms);
    fake.setStatus(providerMessageId, 'DELIVERED.null');
    await expect(gateway.reconcile(sms)).resolves.toMatchObject({ providerStatus: 'DELIVERED' });
    fake.setStatus(providerMessageId, 'FAILED.EXPIRED');
    await expect(gateway.reconcile(sms)).resolves.toMatchObject({
      providerStatus: 'FAILED.EXPIRED',
    });
  });

  it('a recipient who blocked the account (FAILED.BLOCKED) → permanent and optOut, in send and reconcile', async () => {
    const sms = outboundSms({ to: BLOCKED });
    const error = await gatewayFailure(gateway.send(sms));
    expect(error).toMatchObject({ kind: 'permanent', code: 'FAILED.BLOCKED', optOut: true });

    const later = await gatewayFailure(gateway.reconcile(sms));
    expect(later).toMatchObject({ kind: 'permanent', code: 'FAILED.BLOCKED', optOut: true });
  });

  it('invalid number (400) → permanent', async () => {
    const error = await gatewayFailure(gateway.send(outboundSms({ to: '+12' })));
    expect(error).toMatchObject({ kind: 'permanent', code: 'bad-request' });
    expect(error.options.httpStatus).toBe(400);
  });

  it('insufficient credits (403) → permanent', async () => {
    const poor = await startFakeBulkSms({ username, password, credits: 0 });
    const broke = new BulkSmsGateway({ username, password, baseUrl: poor.url, timeoutMs: 2000 });
    const error = await gatewayFailure(broke.send(outboundSms()));
    await broke.close();
    await poor.close();
    expect(error).toMatchObject({ kind: 'permanent', code: 'insufficient-credits' });
  });

  it('bad credentials (401) → permanent, in send and reconcile, without the password', async () => {
    const badPassword = 'wrong-password-must-not-leak';
    const wrong = new BulkSmsGateway({
      username,
      password: badPassword,
      baseUrl: fake.url,
      timeoutMs: 2000,
    });
    const error = await gatewayFailure(wrong.send(outboundSms()));
    const lookup = await gatewayFailure(wrong.reconcile(outboundSms()));
    await wrong.close();
    expect(error).toMatchObject({ kind: 'permanent', code: 'authentication-failed' });
    expect(lookup).toMatchObject({ kind: 'permanent', code: 'authentication-failed' });
    expect(`${error.message} ${JSON.stringify(error)}`).not.toContain(badPassword);
  });

  it('429 with Retry-After → transient with retryAfterMs', async () => {
    fake.script({
      status: 429,
      headers: { 'Retry-After': '3' },
      body: {
        type: 'https://developer.bulksms.com/json/v1/errors#too-many-requests',
        title: 'Too Many Requests',
        status: 429,
      },
    });
    const error = await gatewayFailure(gateway.send(outboundSms()));
    expect(error).toMatchObject({
      kind: 'transient',
      code: 'too-many-requests',
      retryAfterMs: 3000,
    });
  });

  it('503 → transient, in send and reconcile', async () => {
    fake.script(
      { status: 503, body: 'Service Unavailable' },
      { status: 503, body: 'Service Unavailable' },
    );
    await expect(gatewayFailure(gateway.send(outboundSms()))).resolves.toMatchObject({
      kind: 'transient',
      code: 'http_503',
    });
    await expect(gatewayFailure(gateway.reconcile(outboundSms()))).resolves.toMatchObject({
      kind: 'transient',
    });
  });

  it('connection refused → transient', async () => {
    const down = new BulkSmsGateway({
      username,
      password,
      baseUrl: await closedPortUrl(),
      timeoutMs: 2000,
    });
    const error = await gatewayFailure(down.send(outboundSms()));
    await down.close();
    expect(error).toMatchObject({ kind: 'transient', code: 'ECONNREFUSED' });
  });

  it('no answer in time → unknown for send, transient for the read-only reconcile', async () => {
    const impatient = new BulkSmsGateway({ username, password, baseUrl: fake.url, timeoutMs: 150 });
    fake.script({ action: 'hang' }, { action: 'hang' });
    const sendError = await gatewayFailure(impatient.send(outboundSms()));
    const lookupError = await gatewayFailure(impatient.reconcile(outboundSms()));
    await impatient.close();
    expect(sendError.kind).toBe('unknown');
    expect(lookupError.kind).toBe('transient');
  });

  it('refuses an idempotency key BulkSMS cannot store or filter on', async () => {
    const error = await gatewayFailure(
      gateway.send(outboundSms({ idempotencyKey: 'x'.repeat(21) })),
    );
    expect(error).toMatchObject({ kind: 'permanent', code: 'invalid_idempotency_key' });
    expect(fake.requests).toHaveLength(0);
  });
});
