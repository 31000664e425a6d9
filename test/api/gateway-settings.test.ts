import { startFakeGateway } from '../fakes';
import type { StartedFakeGateway } from '../fakes';
import { describeEachEngine, TestApp } from '../support/test-app';

describeEachEngine('gateway settings API', (engine) => {
  let twilio: StartedFakeGateway;
  let app: TestApp;
  beforeAll(async () => {
    twilio = await startFakeGateway('twilio');
    app = await TestApp.start(engine, { SETTINGS_ENCRYPTION_KEY: 'a-test-settings-key' });
  });
  afterAll(async () => {
    await app.close();
    await twilio.fake.close();
  });

  it('switches the gateway, stores the secret encrypted and never returns it', async () => {
    expect((await app.get('/api/gateway-settings')).body).toMatchObject({
      source: 'environment',
      provider: 'log',
    });
    const res = await app.request('PUT', '/api/gateway-settings', {
      provider: 'twilio',
      rate_per_second: 25,
      values: {
        TWILIO_ACCOUNT_SID: twilio.env.TWILIO_ACCOUNT_SID,
        TWILIO_AUTH_TOKEN: twilio.env.TWILIO_AUTH_TOKEN,
        TWILIO_FROM: twilio.env.TWILIO_FROM,
        TWILIO_BASE_URL: twilio.env.TWILIO_BASE_URL,
      },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ source: 'settings', provider: 'twilio', ratePerSecond: 25 });
    expect(JSON.stringify(res.body)).not.toContain(twilio.env.TWILIO_AUTH_TOKEN);
    const token = res.body.fields.find((f: { name: string }) => f.name === 'TWILIO_AUTH_TOKEN');
    expect(token).toMatchObject({ secret: true, value: null, isSet: true });
    const rows = await app.server.dataSource.query(
      "SELECT value FROM app_settings WHERE `key` = 'gateway'".replace(
        /`/g,
        engine === 'sqlite' ? '"' : '`',
      ),
    );
    expect(rows[0].value).not.toContain(twilio.env.TWILIO_AUTH_TOKEN);
    expect(app.server.sending.gateway.name).toBe('twilio');
    expect(app.server.sending.dispatcher.limiter.perSecond).toBe(25);

    // An update without the secret keeps it.
    const again = await app.request('PUT', '/api/gateway-settings', {
      provider: 'twilio',
      values: {
        TWILIO_ACCOUNT_SID: twilio.env.TWILIO_ACCOUNT_SID,
        TWILIO_FROM: twilio.env.TWILIO_FROM,
        TWILIO_BASE_URL: twilio.env.TWILIO_BASE_URL,
      },
    });
    expect(again.status).toBe(200);
    const sent = await app.post('/api/sms-test', { to: '+33 6 00 00 00 77', body: 'via settings' });
    expect(sent.body).toMatchObject({ status: 'sent', provider: 'twilio' });
  });

  it('refuses an incomplete configuration, naming the variable, and changes nothing', async () => {
    const before = app.server.sending.gateway.name;
    const res = await app.request('PUT', '/api/gateway-settings', { provider: 'bulksms' });
    expect(res.status).toBe(422);
    expect(res.body.error.message).toContain('BULKSMS_USERNAME');
    expect(app.server.sending.gateway.name).toBe(before);
  });

  it('is for admins only', async () => {
    const marketer = await app.userToken('marketer');
    expect((await app.get('/api/gateway-settings', { token: marketer })).status).toBe(403);
  });

  it('goes back to the environment', async () => {
    const res = await app.request('DELETE', '/api/gateway-settings');
    expect(res.body).toMatchObject({ source: 'environment', provider: 'log' });
    expect(app.server.sending.gateway.name).toBe('log');
  });
});
