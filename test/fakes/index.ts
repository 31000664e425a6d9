/**
 * Fake SMS providers for tests: real HTTP servers on 127.0.0.1 speaking each provider's API.
 * startFakeGateway() also returns the environment that points createGateway() at the fake.
 */
import type { FakeGateway } from './fake-server';
import { DEFAULT_BULKSMS_CREDENTIALS, startFakeBulkSms } from './fake-bulksms';
import { DEFAULT_CLICKATELL_CREDENTIALS, startFakeClickatell } from './fake-clickatell';
import { DEFAULT_TWILIO_CREDENTIALS, startFakeTwilio } from './fake-twilio';
import { DEFAULT_VONAGE_CREDENTIALS, startFakeVonage } from './fake-vonage';

export * from './fake-server';
export * from './fake-bulksms';
export * from './fake-clickatell';
export * from './fake-twilio';
export * from './fake-vonage';

export const FAKE_GATEWAY_NAMES = ['twilio', 'clickatell', 'bulksms', 'vonage'] as const;
export type FakeGatewayName = (typeof FAKE_GATEWAY_NAMES)[number];

export const TWILIO_TEST_FROM = '+15005550006';

export interface StartedFakeGateway {
  fake: FakeGateway;
  /** The (fake) credentials the fake accepts. */
  credentials: Record<string, string>;
  /** Variables for createGateway() so that it sends to this fake. */
  env: Record<string, string>;
}

/** The generic-gateway configuration of Vonage's SMS API (form-encoded). */
export function vonageGatewayEnv(
  url: string,
  credentials: { apiKey: string; apiSecret: string } = DEFAULT_VONAGE_CREDENTIALS,
): Record<string, string> {
  return {
    SMS_PROVIDER: 'http',
    HTTP_GATEWAY_URL: `${url}/sms/json`,
    HTTP_GATEWAY_METHOD: 'POST',
    HTTP_GATEWAY_CONTENT_TYPE: 'application/x-www-form-urlencoded',
    HTTP_GATEWAY_BODY_TEMPLATE:
      `api_key=${credentials.apiKey}&api_secret=${credentials.apiSecret}` +
      '&from=CRM&to={{ to_without_plus }}&text={{ body }}&client-ref={{ message_id }}' +
      "{% if encoding == 'UCS-2' %}&type=unicode{% endif %}",
    HTTP_GATEWAY_MESSAGE_ID_PATH: 'messages.0.message-id',
    HTTP_GATEWAY_SUCCESS_PATH: 'messages.0.status',
    HTTP_GATEWAY_SUCCESS_VALUES: '0',
    HTTP_GATEWAY_RETRY_VALUES: '1',
  };
}

export async function startFakeGateway(
  name: FakeGatewayName,
  options: { port?: number; credentials?: Record<string, string> } = {},
): Promise<StartedFakeGateway> {
  const port = options.port;
  switch (name) {
    case 'twilio': {
      const credentials = { ...DEFAULT_TWILIO_CREDENTIALS, ...options.credentials };
      const fake = await startFakeTwilio({ ...credentials, port });
      return {
        fake,
        credentials,
        env: {
          SMS_PROVIDER: 'twilio',
          TWILIO_ACCOUNT_SID: credentials.accountSid,
          TWILIO_AUTH_TOKEN: credentials.authToken,
          TWILIO_FROM: TWILIO_TEST_FROM,
          TWILIO_BASE_URL: fake.url,
        },
      };
    }
    case 'clickatell': {
      const credentials = { ...DEFAULT_CLICKATELL_CREDENTIALS, ...options.credentials };
      const fake = await startFakeClickatell({ ...credentials, port });
      return {
        fake,
        credentials,
        env: {
          SMS_PROVIDER: 'clickatell',
          CLICKATELL_API_KEY: credentials.apiKey,
          CLICKATELL_BASE_URL: fake.url,
        },
      };
    }
    case 'bulksms': {
      const credentials = { ...DEFAULT_BULKSMS_CREDENTIALS, ...options.credentials };
      const fake = await startFakeBulkSms({ ...credentials, port });
      return {
        fake,
        credentials,
        env: {
          SMS_PROVIDER: 'bulksms',
          BULKSMS_USERNAME: credentials.username,
          BULKSMS_PASSWORD: credentials.password,
          BULKSMS_BASE_URL: fake.url,
        },
      };
    }
    case 'vonage': {
      const credentials = { ...DEFAULT_VONAGE_CREDENTIALS, ...options.credentials };
      const fake = await startFakeVonage({ ...credentials, port });
      return { fake, credentials, env: vonageGatewayEnv(fake.url, credentials) };
    }
  }
}

export function isFakeGatewayName(value: string): value is FakeGatewayName {
  return (FAKE_GATEWAY_NAMES as readonly string[]).includes(value);
}
