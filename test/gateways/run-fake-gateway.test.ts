import { createGateway } from '../../src/gateways/gateway.factory';
import { gatewayFailure } from '../fakes/gateway-failure';
import { outboundSms } from '../fakes/outbound-sms';
import type { FakeGatewayProcess } from '../fakes/spawn-fake-gateway';
import { spawnFakeGateway } from '../fakes/spawn-fake-gateway';

describe('run-fake-gateway.ts (a fake provider in another process)', () => {
  let fake: FakeGatewayProcess;

  beforeAll(async () => {
    fake = await spawnFakeGateway('bulksms');
  });

  afterAll(async () => {
    await fake.stop();
  });

  it('prints its URL and env, records accepted messages and obeys scripted responses', async () => {
    expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(fake.env).toMatchObject({ SMS_PROVIDER: 'bulksms', BULKSMS_BASE_URL: fake.url });

    const gateway = createGateway(fake.env, () => undefined);
    try {
      const sms = outboundSms();
      const result = await gateway.send(sms);
      const received = await fake.received();
      expect(received.accepted).toEqual([
        expect.objectContaining({
          id: result.providerMessageId,
          to: '33612345678',
          body: sms.body,
        }),
      ]);
      expect(received.requests[0]).toMatchObject({ method: 'POST', path: '/v1/messages' });

      await fake.script({ status: 503, body: 'maintenance' });
      const error = await gatewayFailure(gateway.send(outboundSms()));
      expect(error).toMatchObject({ kind: 'transient', code: 'http_503' });

      await fake.reset();
      expect((await fake.received()).accepted).toEqual([]);
    } finally {
      await gateway.close?.();
    }
  });
});
