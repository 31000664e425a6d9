import { createGateway } from '../../src/gateways/gateway.factory';
import { GenericHttpGateway, readPath } from '../../src/gateways/http/generic-http.gateway';
import type { GenericHttpGatewayOptions } from '../../src/gateways/http/generic-http.gateway';
import type { SmsGateway } from '../../src/gateways/sms-gateway';
import { vonageGatewayEnv } from '../fakes';
import { closedPortUrl } from '../fakes/fake-server';
import type { FakeVonage } from '../fakes/fake-vonage';
import { DEFAULT_VONAGE_CREDENTIALS, startFakeVonage, vonageError } from '../fakes/fake-vonage';
import { gatewayFailure } from '../fakes/gateway-failure';
import { outboundSms } from '../fakes/outbound-sms';

const { apiKey, apiSecret } = DEFAULT_VONAGE_CREDENTIALS;
const TRICKY_BODY = 'Tom & "Jerry" said:\n50% off = +20 € \\o/ ж';

function vonageJsonOptions(url: string, secret = apiSecret): GenericHttpGatewayOptions {
  return {
    url: `${url}/sms/json`,
    method: 'POST',
    headers: {},
    contentType: 'application/json',
    bodyTemplate:
      `{"api_key": "${apiKey}", "api_secret": "${secret}", "from": "CRM",` +
      ' "to": "{{ to_without_plus }}", "text": "{{ body }}", "client-ref": "{{ message_id }}",' +
      ' "segments": {{ segments }}}',
    messageIdPath: 'messages.0.message-id',
    successPath: 'messages.0.status',
    successValues: ['0'],
    retryValues: ['1'],
    timeoutMs: 2000,
  };
}

describe('GenericHttpGateway against a fake Vonage', () => {
  let fake: FakeVonage;
  let gateway: GenericHttpGateway;

  beforeAll(async () => {
    fake = await startFakeVonage();
    gateway = new GenericHttpGateway(vonageJsonOptions(fake.url));
  });

  afterAll(async () => {
    await gateway.close();
    await fake.close();
  });

  beforeEach(() => fake.reset());

  it('JSON config: escapes values into the template and reads the id by path (status "0")', async () => {
    const sms = outboundSms({ body: TRICKY_BODY });
    const result = await gateway.send(sms);

    expect(result).toEqual({ providerMessageId: fake.accepted[0].id, providerStatus: '0' });
    const [request] = fake.requests;
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.body).toEqual({
      api_key: apiKey,
      api_secret: apiSecret,
      from: 'CRM',
      to: '33612345678',
      text: TRICKY_BODY,
      'client-ref': sms.messageId,
      segments: sms.segments,
    });
  });

  it('status "1" (throttled) → transient with the provider value as code', async () => {
    fake.script(vonageError('1', 'Throughput Rate Exceeded - please wait [ 30 ] and retry'));
    const error = await gatewayFailure(gateway.send(outboundSms()));
    expect(error).toMatchObject({ kind: 'transient', code: '1' });
    expect(error.options.httpStatus).toBe(200);
  });

  it('status "4" (bad credentials, still HTTP 200) → permanent', async () => {
    const wrong = new GenericHttpGateway(vonageJsonOptions(fake.url, 'wrong-secret-must-not-leak'));
    const error = await gatewayFailure(wrong.send(outboundSms()));
    await wrong.close();
    expect(error).toMatchObject({ kind: 'permanent', code: '4' });
    expect(error.message).not.toContain('wrong-secret-must-not-leak');
  });

  it('status "3" (invalid number) → permanent', async () => {
    const error = await gatewayFailure(gateway.send(outboundSms({ to: '+12' })));
    expect(error).toMatchObject({ kind: 'permanent', code: '3' });
  });

  it('form-encoded config (built by the factory): every value arrives intact', async () => {
    const formGateway: SmsGateway = createGateway(vonageGatewayEnv(fake.url), () => undefined);
    try {
      const sms = outboundSms({ body: TRICKY_BODY });
      const result = await formGateway.send(sms);
      expect(result.providerMessageId).toBe(fake.accepted[0].id);
      const [request] = fake.requests;
      expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(request.body).toEqual({
        api_key: apiKey,
        api_secret: apiSecret,
        from: 'CRM',
        to: '33612345678',
        text: TRICKY_BODY,
        'client-ref': sms.messageId,
        type: 'unicode',
      });
    } finally {
      await formGateway.close?.();
    }
  });

  it('GET config: the rendered template is the query string', async () => {
    const viaGet = new GenericHttpGateway({
      ...vonageJsonOptions(fake.url),
      method: 'GET',
      contentType: 'application/x-www-form-urlencoded',
      bodyTemplate: `api_key=${apiKey}&api_secret=${apiSecret}&from=CRM&to={{ to_without_plus }}&text={{ body }}`,
    });
    const result = await viaGet.send(outboundSms({ body: TRICKY_BODY }));
    await viaGet.close();
    expect(result.providerMessageId).toBe(fake.accepted[0].id);
    expect(fake.requests[0].method).toBe('GET');
    expect(fake.requests[0].query.text).toBe(TRICKY_BODY);
  });

  it('2xx without the id at the path → unknown (the message may have been sent)', async () => {
    fake.script({ status: 200, body: { 'message-count': '1', messages: [{ status: '0' }] } });
    const error = await gatewayFailure(gateway.send(outboundSms()));
    expect(error).toMatchObject({ kind: 'unknown', code: 'missing_message_id' });
  });

  it('HTTP 4xx → permanent, 429 and 5xx → transient', async () => {
    fake.script(
      { status: 400, body: 'bad request' },
      { status: 429, headers: { 'Retry-After': '1' }, body: '' },
      { status: 502, body: '<html>bad gateway</html>' },
    );
    await expect(gatewayFailure(gateway.send(outboundSms()))).resolves.toMatchObject({
      kind: 'permanent',
      code: 'http_400',
    });
    await expect(gatewayFailure(gateway.send(outboundSms()))).resolves.toMatchObject({
      kind: 'transient',
      code: 'http_429',
      retryAfterMs: 1000,
    });
    await expect(gatewayFailure(gateway.send(outboundSms()))).resolves.toMatchObject({
      kind: 'transient',
      code: 'http_502',
    });
  });

  it('connection refused → transient; no answer in time → unknown', async () => {
    const down = new GenericHttpGateway({ ...vonageJsonOptions(await closedPortUrl()) });
    const refused = await gatewayFailure(down.send(outboundSms()));
    await down.close();
    expect(refused).toMatchObject({ kind: 'transient', code: 'ECONNREFUSED' });

    const impatient = new GenericHttpGateway({ ...vonageJsonOptions(fake.url), timeoutMs: 150 });
    fake.script({ action: 'hang' });
    const timedOut = await gatewayFailure(impatient.send(outboundSms()));
    await impatient.close();
    expect(timedOut.kind).toBe('unknown');
  });

  it('without messageIdPath, our message id stands in for the provider id', async () => {
    const noId = new GenericHttpGateway({
      ...vonageJsonOptions(fake.url),
      messageIdPath: undefined,
    });
    const sms = outboundSms();
    await expect(noId.send(sms)).resolves.toEqual({ providerMessageId: sms.messageId });
    await noId.close();
  });
});

describe('GenericHttpGateway configuration checks', () => {
  const base = vonageJsonOptions('http://127.0.0.1:9');

  it('rejects a template that does not render JSON, without quoting it', () => {
    const build = (): GenericHttpGateway =>
      new GenericHttpGateway({ ...base, bodyTemplate: '{"secret": "s3cr3t", "text": {{ body }}}' });
    expect(build).toThrow(/does not render valid JSON/);
    expect(build).not.toThrow(/s3cr3t/);
  });

  it('rejects Liquid syntax errors with a position only', () => {
    const build = (): GenericHttpGateway =>
      new GenericHttpGateway({
        ...base,
        bodyTemplate: '{"secret": "s3cr3t", "text": "{{ body }"}',
      });
    expect(build).toThrow(/not valid Liquid \(syntax error at line 1, column \d+\)/);
    expect(build).not.toThrow(/s3cr3t/);
  });

  it('rejects unknown variables, naming them', () => {
    expect(
      () => new GenericHttpGateway({ ...base, bodyTemplate: '{"text": "{{ contact.name }}"}' }),
    ).toThrow(/unknown variable 'contact'/);
  });

  it('rejects include (no file system)', () => {
    expect(
      () => new GenericHttpGateway({ ...base, bodyTemplate: '{"t": "{% include \'x\' %}"}' }),
    ).toThrow(/include, render and layout are not available/);
  });

  it('needs successValues with successPath, and a form content type for GET', () => {
    expect(() => new GenericHttpGateway({ ...base, successValues: [] })).toThrow(/successValues/);
    expect(() => new GenericHttpGateway({ ...base, method: 'GET' })).toThrow(/GET/);
  });

  it('reads dot paths through objects and arrays, own properties only', () => {
    const answer = { messages: [{ 'message-id': 'abc', status: 0 }] };
    expect(readPath(answer, 'messages.0.message-id')).toBe('abc');
    expect(readPath(answer, 'messages.0.status')).toBe(0);
    expect(readPath(answer, 'messages.1.status')).toBeUndefined();
    expect(readPath(answer, 'messages.0.constructor')).toBeUndefined();
  });
});
