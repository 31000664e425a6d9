import { BULKSMS_DEFAULT_BASE_URL, BulkSmsGateway } from './bulksms/bulksms.gateway';
import { CLICKATELL_DEFAULT_BASE_URL, ClickatellGateway } from './clickatell/clickatell.gateway';
import type { DescribableGateway, GatewayDescription, GatewayLogger } from './gateway-support';
import {
  GENERIC_HTTP_CONTENT_TYPES,
  GENERIC_HTTP_METHODS,
  GENERIC_HTTP_TEMPLATE_VARIABLES,
  GenericHttpGateway,
} from './http/generic-http.gateway';
import type { GenericHttpContentType, GenericHttpMethod } from './http/generic-http.gateway';
import { LogGateway } from './log/log.gateway';
import type { SmsGateway } from './sms-gateway';
import { TWILIO_DEFAULT_BASE_URL, TwilioGateway } from './twilio/twilio.gateway';

export const SMS_PROVIDERS = ['log', 'twilio', 'clickatell', 'bulksms', 'http'] as const;
export type SmsProvider = (typeof SMS_PROVIDERS)[number];

export interface GatewayEnvVar {
  name: string;
  /** Used when the variable is unset or empty; null = no default. */
  default: string | null;
  /** Never print its value (logs, errors, UI). */
  secret: boolean;
  /** 'all' or the SMS_PROVIDER value that reads it. */
  provider: 'all' | Exclude<SmsProvider, 'log'>;
  description: string;
}

export const DEFAULT_GATEWAY_TIMEOUT_MS = 10_000;

/** Every variable the gateway factory reads, for the README and config checks. */
export const GATEWAY_ENV_VARS: readonly GatewayEnvVar[] = [
  {
    name: 'SMS_PROVIDER',
    default: 'log',
    secret: false,
    provider: 'all',
    description: `Which gateway sends SMS: ${SMS_PROVIDERS.join(', ')} ('log' sends nothing and logs one line per message).`,
  },
  {
    name: 'SMS_GATEWAY_TIMEOUT_MS',
    default: String(DEFAULT_GATEWAY_TIMEOUT_MS),
    secret: false,
    provider: 'all',
    description:
      'Whole-request timeout for one send. A timeout after the request was sent is an unknown outcome, not a failure.',
  },
  {
    name: 'TWILIO_ACCOUNT_SID',
    default: null,
    secret: false,
    provider: 'twilio',
    description: 'Account SID (AC…); required for twilio.',
  },
  {
    name: 'TWILIO_AUTH_TOKEN',
    default: null,
    secret: true,
    provider: 'twilio',
    description: 'Auth token; required for twilio.',
  },
  {
    name: 'TWILIO_FROM',
    default: null,
    secret: false,
    provider: 'twilio',
    description:
      'Sender (E.164 Twilio number or alphanumeric id); this or TWILIO_MESSAGING_SERVICE_SID.',
  },
  {
    name: 'TWILIO_MESSAGING_SERVICE_SID',
    default: null,
    secret: false,
    provider: 'twilio',
    description: 'Messaging Service SID (MG…); this or TWILIO_FROM.',
  },
  {
    name: 'TWILIO_BASE_URL',
    default: TWILIO_DEFAULT_BASE_URL,
    secret: false,
    provider: 'twilio',
    description: 'API origin (change only for tests or a regional edge).',
  },
  {
    name: 'CLICKATELL_API_KEY',
    default: null,
    secret: true,
    provider: 'clickatell',
    description: 'One API integration key; required for clickatell.',
  },
  {
    name: 'CLICKATELL_BASE_URL',
    default: CLICKATELL_DEFAULT_BASE_URL,
    secret: false,
    provider: 'clickatell',
    description: 'API origin (change only for tests).',
  },
  {
    name: 'CLICKATELL_FROM',
    default: null,
    secret: false,
    provider: 'clickatell',
    description: 'Sender number of a two-way integration (optional).',
  },
  {
    name: 'BULKSMS_USERNAME',
    default: null,
    secret: false,
    provider: 'bulksms',
    description: 'Username or API token id; required for bulksms.',
  },
  {
    name: 'BULKSMS_PASSWORD',
    default: null,
    secret: true,
    provider: 'bulksms',
    description: 'Password or API token secret; required for bulksms.',
  },
  {
    name: 'BULKSMS_BASE_URL',
    default: BULKSMS_DEFAULT_BASE_URL,
    secret: false,
    provider: 'bulksms',
    description: 'API origin (change only for tests).',
  },
  {
    name: 'BULKSMS_FROM',
    default: null,
    secret: false,
    provider: 'bulksms',
    description: 'Sender id (optional; the account default otherwise).',
  },
  {
    name: 'HTTP_GATEWAY_URL',
    default: null,
    secret: true,
    provider: 'http',
    description:
      'Endpoint of the generic HTTP gateway; required for http (secret: it may hold a key).',
  },
  {
    name: 'HTTP_GATEWAY_METHOD',
    default: 'POST',
    secret: false,
    provider: 'http',
    description: `${GENERIC_HTTP_METHODS.join(', ')}; a GET sends the rendered template as the query string.`,
  },
  {
    name: 'HTTP_GATEWAY_HEADERS',
    default: '{}',
    secret: true,
    provider: 'http',
    description: 'JSON object of extra request headers, e.g. {"Authorization":"Bearer …"}.',
  },
  {
    name: 'HTTP_GATEWAY_CONTENT_TYPE',
    default: 'application/json',
    secret: false,
    provider: 'http',
    description: `${GENERIC_HTTP_CONTENT_TYPES.join(', ')}; decides how variables are escaped.`,
  },
  {
    name: 'HTTP_GATEWAY_BODY_TEMPLATE',
    default: null,
    secret: true,
    provider: 'http',
    description: `Liquid template of the request; variables ${GENERIC_HTTP_TEMPLATE_VARIABLES.join(', ')} arrive already escaped for the content type. Required for http.`,
  },
  {
    name: 'HTTP_GATEWAY_MESSAGE_ID_PATH',
    default: null,
    secret: false,
    provider: 'http',
    description:
      "Dot path to the provider's message id in the JSON answer, e.g. messages.0.message-id.",
  },
  {
    name: 'HTTP_GATEWAY_SUCCESS_PATH',
    default: null,
    secret: false,
    provider: 'http',
    description: 'Dot path to a per-message status in the JSON answer, e.g. messages.0.status.',
  },
  {
    name: 'HTTP_GATEWAY_SUCCESS_VALUES',
    default: null,
    secret: false,
    provider: 'http',
    description: 'Comma list of values at the success path meaning accepted, e.g. 0.',
  },
  {
    name: 'HTTP_GATEWAY_RETRY_VALUES',
    default: null,
    secret: false,
    provider: 'http',
    description:
      'Comma list of values at the success path meaning "retry later", e.g. 1 (throttled).',
  },
];

/** A configuration mistake, named by variable; never carries a secret value. */
export class GatewayConfigError extends Error {
  override name = 'GatewayConfigError';
}

type Env = Record<string, string | undefined>;

/** Builds the gateway chosen by SMS_PROVIDER (default 'log'); throws GatewayConfigError. */
export function createGateway(env: Env, logger: GatewayLogger): SmsGateway {
  const provider = read(env, 'SMS_PROVIDER') ?? 'log';
  if (!isProvider(provider)) {
    throw new GatewayConfigError(
      `SMS_PROVIDER='${provider}' must be one of ${SMS_PROVIDERS.join(', ')}`,
    );
  }
  const timeoutMs = readTimeout(env);
  switch (provider) {
    case 'log':
      return new LogGateway(logger);
    case 'twilio': {
      const missing = missingVars(env, ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN']);
      if (!read(env, 'TWILIO_FROM') && !read(env, 'TWILIO_MESSAGING_SERVICE_SID')) {
        missing.push('TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID');
      }
      throwIfMissing(provider, missing);
      return new TwilioGateway({
        accountSid: required(env, 'TWILIO_ACCOUNT_SID'),
        authToken: required(env, 'TWILIO_AUTH_TOKEN'),
        from: read(env, 'TWILIO_FROM'),
        messagingServiceSid: read(env, 'TWILIO_MESSAGING_SERVICE_SID'),
        baseUrl: readUrl(env, 'TWILIO_BASE_URL'),
        timeoutMs,
      });
    }
    case 'clickatell':
      throwIfMissing(provider, missingVars(env, ['CLICKATELL_API_KEY']));
      return new ClickatellGateway({
        apiKey: required(env, 'CLICKATELL_API_KEY'),
        baseUrl: readUrl(env, 'CLICKATELL_BASE_URL'),
        from: read(env, 'CLICKATELL_FROM'),
        timeoutMs,
      });
    case 'bulksms':
      throwIfMissing(provider, missingVars(env, ['BULKSMS_USERNAME', 'BULKSMS_PASSWORD']));
      return new BulkSmsGateway({
        username: required(env, 'BULKSMS_USERNAME'),
        password: required(env, 'BULKSMS_PASSWORD'),
        baseUrl: readUrl(env, 'BULKSMS_BASE_URL'),
        from: read(env, 'BULKSMS_FROM'),
        timeoutMs,
      });
    case 'http':
      return createGenericGateway(env, timeoutMs);
  }
}

/** Name, origin and sender of a gateway: safe to log or show, never a credential. */
export function describeGateway(gateway: SmsGateway): GatewayDescription {
  if (isDescribable(gateway)) {
    return gateway.describe();
  }
  return { name: gateway.name, baseUrl: null, sender: null };
}

// The generic gateway's option names, as the admin knows them.
const HTTP_OPTION_VARS: Record<string, string> = {
  url: 'HTTP_GATEWAY_URL',
  method: 'HTTP_GATEWAY_METHOD',
  contentType: 'HTTP_GATEWAY_CONTENT_TYPE',
  bodyTemplate: 'HTTP_GATEWAY_BODY_TEMPLATE',
  successPath: 'HTTP_GATEWAY_SUCCESS_PATH',
  successValues: 'HTTP_GATEWAY_SUCCESS_VALUES',
  retryValues: 'HTTP_GATEWAY_RETRY_VALUES',
};

function createGenericGateway(env: Env, timeoutMs: number): SmsGateway {
  throwIfMissing('http', missingVars(env, ['HTTP_GATEWAY_URL', 'HTTP_GATEWAY_BODY_TEMPLATE']));
  const method = (read(env, 'HTTP_GATEWAY_METHOD') ?? 'POST').toUpperCase();
  if (!(GENERIC_HTTP_METHODS as readonly string[]).includes(method)) {
    throw new GatewayConfigError(
      `HTTP_GATEWAY_METHOD='${method}' must be one of ${GENERIC_HTTP_METHODS.join(', ')}`,
    );
  }
  const contentType = read(env, 'HTTP_GATEWAY_CONTENT_TYPE') ?? 'application/json';
  if (!(GENERIC_HTTP_CONTENT_TYPES as readonly string[]).includes(contentType)) {
    throw new GatewayConfigError(
      `HTTP_GATEWAY_CONTENT_TYPE='${contentType}' must be one of ${GENERIC_HTTP_CONTENT_TYPES.join(', ')}`,
    );
  }
  try {
    return new GenericHttpGateway({
      url: required(env, 'HTTP_GATEWAY_URL'),
      method: method as GenericHttpMethod,
      contentType: contentType as GenericHttpContentType,
      headers: readHeaders(env),
      bodyTemplate: required(env, 'HTTP_GATEWAY_BODY_TEMPLATE'),
      messageIdPath: read(env, 'HTTP_GATEWAY_MESSAGE_ID_PATH'),
      successPath: read(env, 'HTTP_GATEWAY_SUCCESS_PATH'),
      successValues: readList(env, 'HTTP_GATEWAY_SUCCESS_VALUES'),
      retryValues: readList(env, 'HTTP_GATEWAY_RETRY_VALUES'),
      timeoutMs,
    });
  } catch (error) {
    if (error instanceof GatewayConfigError) {
      throw error;
    }
    // The gateway's messages never quote values; rename its options to the variables.
    const message = (error instanceof Error ? error.message : String(error))
      .replace(/^GenericHttpGateway: /, '')
      .replace(
        /\b(url|method|contentType|bodyTemplate|successPath|successValues|retryValues)\b/g,
        (m) => HTTP_OPTION_VARS[m] ?? m,
      );
    throw new GatewayConfigError(`SMS_PROVIDER=http: ${message}`);
  }
}

function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function required(env: Env, name: string): string {
  const value = read(env, name);
  if (value === undefined) {
    throw new GatewayConfigError(`${name} is required`);
  }
  return value;
}

function missingVars(env: Env, names: string[]): string[] {
  return names.filter((name) => read(env, name) === undefined);
}

function throwIfMissing(provider: SmsProvider, missing: string[]): void {
  if (missing.length > 0) {
    throw new GatewayConfigError(
      `SMS_PROVIDER=${provider} needs ${missing.join(', ')} (not set or empty)`,
    );
  }
}

function readTimeout(env: Env): number {
  const raw = read(env, 'SMS_GATEWAY_TIMEOUT_MS');
  if (raw === undefined) {
    return DEFAULT_GATEWAY_TIMEOUT_MS;
  }
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 100 || value > 120_000) {
    throw new GatewayConfigError(
      `SMS_GATEWAY_TIMEOUT_MS='${raw}' must be an integer number of milliseconds between 100 and 120000`,
    );
  }
  return value;
}

function readUrl(env: Env, name: string): string | undefined {
  const value = read(env, name);
  if (value === undefined) {
    return undefined;
  }
  if (!URL.canParse(value) || !['http:', 'https:'].includes(new URL(value).protocol)) {
    // The value is not quoted: a mistyped URL may carry credentials.
    throw new GatewayConfigError(`${name} must be an absolute http(s) URL`);
  }
  return value.replace(/\/+$/, '');
}

function readList(env: Env, name: string): string[] | undefined {
  const value = read(env, name);
  if (value === undefined) {
    return undefined;
  }
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function readHeaders(env: Env): Record<string, string> {
  const raw = read(env, 'HTTP_GATEWAY_HEADERS');
  if (raw === undefined) {
    return {};
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new GatewayConfigError(
      'HTTP_GATEWAY_HEADERS must be a JSON object of strings, e.g. {"Authorization":"Bearer …"}',
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new GatewayConfigError('HTTP_GATEWAY_HEADERS must be a JSON object of strings');
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed)) {
    if (typeof value !== 'string') {
      throw new GatewayConfigError(
        `HTTP_GATEWAY_HEADERS: the value of header '${name}' must be a string`,
      );
    }
    headers[name] = value;
  }
  return headers;
}

function isProvider(value: string): value is SmsProvider {
  return (SMS_PROVIDERS as readonly string[]).includes(value);
}

function isDescribable(gateway: SmsGateway): gateway is SmsGateway & DescribableGateway {
  return typeof (gateway as Partial<DescribableGateway>).describe === 'function';
}
