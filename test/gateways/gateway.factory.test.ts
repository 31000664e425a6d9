import { BulkSmsGateway } from '../../src/gateways/bulksms/bulksms.gateway';
import { ClickatellGateway } from '../../src/gateways/clickatell/clickatell.gateway';
import {
  createGateway,
  describeGateway,
  GATEWAY_ENV_VARS,
  GatewayConfigError,
} from '../../src/gateways/gateway.factory';
import { GenericHttpGateway } from '../../src/gateways/http/generic-http.gateway';
import { LogGateway } from '../../src/gateways/log/log.gateway';
import type { SmsGateway } from '../../src/gateways/sms-gateway';
import { GatewayError } from '../../src/gateways/sms-gateway';
import { TwilioGateway } from '../../src/gateways/twilio/twilio.gateway';
import { startFakeGateway } from '../fakes';
import type { StartedFakeGateway } from '../fakes';
import { gatewayFailure } from '../fakes/gateway-failure';
import { outboundSms } from '../fakes/outbound-sms';

const noLog = (): void => undefined;

// Recognisable secret values: none may ever show up in an error or a description.
const SECRETS = {
  TWILIO_AUTH_TOKEN: 'twilio-secret-token-XYZ1',
  CLICKATELL_API_KEY: 'clickatell-secret-key-XYZ2',
  BULKSMS_PASSWORD: 'bulksms-secret-password-XYZ3',
  HTTP_GATEWAY_URL: 'https://user:url-secret-XYZ4@sms.example.com/send?api_key=url-secret-XYZ5',
  HTTP_GATEWAY_HEADERS: '{"Authorization":"Bearer header-secret-XYZ6"}',
  HTTP_GATEWAY_BODY_TEMPLATE:
    '{"api_secret":"template-secret-XYZ7","to":"{{ to }}","text":"{{ body }}"}',
};
const SECRET_MARKERS = ['XYZ1', 'XYZ2', 'XYZ3', 'XYZ4', 'XYZ5', 'XYZ6', 'XYZ7'];

const FULL_ENV = {
  ...SECRETS,
  TWILIO_ACCOUNT_SID: 'AC0123456789abcdef0123456789abcdef',
  TWILIO_FROM: '+15005550006',
  BULKSMS_USERNAME: 'crm-user',
  BULKSMS_FROM: 'ACME',
};

function configError(build: () => unknown): GatewayConfigError {
  try {
    build();
  } catch (error) {
    if (error instanceof GatewayConfigError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected a GatewayConfigError');
}

function expectNoSecret(text: string): void {
  for (const marker of SECRET_MARKERS) {
    expect(text).not.toContain(marker);
  }
}

describe('createGateway', () => {
  const built: SmsGateway[] = [];
  const build = (env: Record<string, string | undefined>): SmsGateway => {
    const gateway = createGateway(env, noLog);
    built.push(gateway);
    return gateway;
  };

  afterAll(async () => {
    await Promise.all(built.map((g) => g.close?.()));
  });

  it('defaults to the log gateway', () => {
    expect(build({})).toBeInstanceOf(LogGateway);
    expect(build({ SMS_PROVIDER: '  ' })).toBeInstanceOf(LogGateway);
  });

  it('chooses the gateway by SMS_PROVIDER', () => {
    expect(build({ ...FULL_ENV, SMS_PROVIDER: 'twilio' })).toBeInstanceOf(TwilioGateway);
    expect(build({ ...FULL_ENV, SMS_PROVIDER: 'clickatell' })).toBeInstanceOf(ClickatellGateway);
    expect(build({ ...FULL_ENV, SMS_PROVIDER: 'bulksms' })).toBeInstanceOf(BulkSmsGateway);
    expect(build({ ...FULL_ENV, SMS_PROVIDER: 'http' })).toBeInstanceOf(GenericHttpGateway);
    expect(build({ ...FULL_ENV, SMS_PROVIDER: 'log' })).toBeInstanceOf(LogGateway);
  });

  it('rejects an unknown provider, listing the valid ones', () => {
    expect(configError(() => build({ SMS_PROVIDER: 'nexmo' })).message).toBe(
      "SMS_PROVIDER='nexmo' must be one of log, twilio, clickatell, bulksms, http",
    );
  });

  it('names every missing variable of the chosen provider', () => {
    expect(configError(() => build({ SMS_PROVIDER: 'twilio' })).message).toBe(
      'SMS_PROVIDER=twilio needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID (not set or empty)',
    );
    expect(
      configError(() => build({ SMS_PROVIDER: 'clickatell', CLICKATELL_API_KEY: '' })).message,
    ).toBe('SMS_PROVIDER=clickatell needs CLICKATELL_API_KEY (not set or empty)');
    expect(
      configError(() => build({ SMS_PROVIDER: 'bulksms', BULKSMS_USERNAME: 'u' })).message,
    ).toBe('SMS_PROVIDER=bulksms needs BULKSMS_PASSWORD (not set or empty)');
    expect(configError(() => build({ SMS_PROVIDER: 'http' })).message).toBe(
      'SMS_PROVIDER=http needs HTTP_GATEWAY_URL, HTTP_GATEWAY_BODY_TEMPLATE (not set or empty)',
    );
  });

  it('checks the timeout and the generic gateway settings by variable name', () => {
    expect(configError(() => build({ SMS_GATEWAY_TIMEOUT_MS: '10s' })).message).toMatch(
      /^SMS_GATEWAY_TIMEOUT_MS='10s' must be an integer/,
    );
    const http = { ...FULL_ENV, SMS_PROVIDER: 'http' };
    expect(configError(() => build({ ...http, HTTP_GATEWAY_METHOD: 'DELETE' })).message).toMatch(
      /^HTTP_GATEWAY_METHOD='DELETE' must be one of POST, GET, PUT/,
    );
    expect(
      configError(() => build({ ...http, HTTP_GATEWAY_SUCCESS_PATH: 'status' })).message,
    ).toMatch(/HTTP_GATEWAY_SUCCESS_PATH needs HTTP_GATEWAY_SUCCESS_VALUES/);
    expect(
      configError(() => build({ ...http, HTTP_GATEWAY_BODY_TEMPLATE: '{"text": "{{ nope }}"}' }))
        .message,
    ).toMatch(/HTTP_GATEWAY_BODY_TEMPLATE uses unknown variable 'nope'/);
  });

  it('never puts a secret value in an error message', () => {
    const messages = [
      // Secrets set, something else missing.
      configError(() => build({ ...SECRETS, SMS_PROVIDER: 'twilio' })).message,
      configError(() => build({ ...SECRETS, SMS_PROVIDER: 'bulksms' })).message,
      // Malformed secret values.
      configError(() =>
        build({ ...FULL_ENV, SMS_PROVIDER: 'http', HTTP_GATEWAY_HEADERS: '{"X-Key": "XYZ6"' }),
      ).message,
      configError(() =>
        build({
          ...FULL_ENV,
          SMS_PROVIDER: 'http',
          HTTP_GATEWAY_BODY_TEMPLATE: '{"k": "template-secret-XYZ7", "t": "{{ to }"}',
        }),
      ).message,
      configError(() =>
        build({
          ...FULL_ENV,
          SMS_PROVIDER: 'http',
          HTTP_GATEWAY_BODY_TEMPLATE: '{"k": "template-secret-XYZ7", "t": {{ to }}}',
        }),
      ).message,
      configError(() =>
        build({ ...FULL_ENV, SMS_PROVIDER: 'http', HTTP_GATEWAY_URL: 'ftp://XYZ4@host/x' }),
      ).message,
      configError(() =>
        build({ ...FULL_ENV, SMS_PROVIDER: 'twilio', TWILIO_BASE_URL: 'not a url XYZ1' }),
      ).message,
    ];
    for (const message of messages) {
      expectNoSecret(message);
    }
  });

  it('describeGateway gives name, origin and sender, never a secret', () => {
    const descriptions = ['log', 'twilio', 'clickatell', 'bulksms', 'http'].map((provider) =>
      describeGateway(build({ ...FULL_ENV, SMS_PROVIDER: provider })),
    );
    expect(descriptions).toEqual([
      { name: 'log', baseUrl: null, sender: null },
      { name: 'twilio', baseUrl: 'https://api.twilio.com', sender: '+15005550006' },
      { name: 'clickatell', baseUrl: 'https://platform.clickatell.com', sender: null },
      { name: 'bulksms', baseUrl: 'https://api.bulksms.com', sender: 'ACME' },
      { name: 'http', baseUrl: 'https://sms.example.com/send', sender: null },
    ]);
    expectNoSecret(JSON.stringify(descriptions));
  });

  it('lists every variable it reads in GATEWAY_ENV_VARS, secrets flagged', () => {
    const names = GATEWAY_ENV_VARS.map((v) => v.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'SMS_PROVIDER',
        'SMS_GATEWAY_TIMEOUT_MS',
        'TWILIO_ACCOUNT_SID',
        'TWILIO_AUTH_TOKEN',
        'TWILIO_FROM',
        'TWILIO_MESSAGING_SERVICE_SID',
        'TWILIO_BASE_URL',
        'CLICKATELL_API_KEY',
        'CLICKATELL_BASE_URL',
        'CLICKATELL_FROM',
        'BULKSMS_USERNAME',
        'BULKSMS_PASSWORD',
        'BULKSMS_BASE_URL',
        'BULKSMS_FROM',
        'HTTP_GATEWAY_URL',
        'HTTP_GATEWAY_METHOD',
        'HTTP_GATEWAY_HEADERS',
        'HTTP_GATEWAY_CONTENT_TYPE',
        'HTTP_GATEWAY_BODY_TEMPLATE',
        'HTTP_GATEWAY_MESSAGE_ID_PATH',
        'HTTP_GATEWAY_SUCCESS_PATH',
        'HTTP_GATEWAY_SUCCESS_VALUES',
        'HTTP_GATEWAY_RETRY_VALUES',
      ]),
    );
    expect(new Set(names).size).toBe(names.length);
    const secret = GATEWAY_ENV_VARS.filter((v) => v.secret).map((v) => v.name);
    expect(secret).toEqual(expect.arrayContaining(Object.keys(SECRETS)));
    expect(GATEWAY_ENV_VARS.find((v) => v.name === 'SMS_GATEWAY_TIMEOUT_MS')?.default).toBe(
      '10000',
    );
  });
});

describe('createGateway with fake providers: send errors carry no secret', () => {
  const started: StartedFakeGateway[] = [];

  afterAll(async () => {
    await Promise.all(started.map((s) => s.fake.close()));
  });

  it.each(['twilio', 'clickatell', 'bulksms', 'vonage'] as const)(
    '%s: sends with the factory env, and bad credentials fail without echoing them',
    async (name) => {
      const fake = await startFakeGateway(name);
      started.push(fake);
      const good = createGateway(fake.env, noLog);
      const result = await good.send(outboundSms());
      expect(result.providerMessageId).toBe(fake.fake.accepted[0].id);
      await good.close?.();

      const secretVar = {
        twilio: 'TWILIO_AUTH_TOKEN',
        clickatell: 'CLICKATELL_API_KEY',
        bulksms: 'BULKSMS_PASSWORD',
        vonage: 'HTTP_GATEWAY_BODY_TEMPLATE',
      }[name];
      const badValue =
        name === 'vonage'
          ? fake.env.HTTP_GATEWAY_BODY_TEMPLATE.replace(fake.credentials.apiSecret, 'secret-XYZ1')
          : 'secret-XYZ1';
      const bad = createGateway({ ...fake.env, [secretVar]: badValue }, noLog);
      const error = await gatewayFailure(bad.send(outboundSms()));
      await bad.close?.();
      expect(error).toBeInstanceOf(GatewayError);
      expect(error.kind).toBe('permanent');
      expectNoSecret(`${error.message} ${JSON.stringify(error)} ${String(error.stack)}`);
      expectNoSecret(JSON.stringify(describeGateway(bad)));
    },
  );
});
