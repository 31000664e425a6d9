import { validate as validateCron } from 'node-cron';
import { parseSendingWindow } from '../domain/quiet-hours';
import type { SendingWindow } from '../domain/quiet-hours';

/**
 * One validated configuration object, read from the environment once at boot.
 * A bad value stops the process with a message naming the variable, never a silent default.
 */
export interface AppConfig {
  port: number;
  databaseUrl: string;
  adminApiToken: string | null;
  adminEmail: string;
  /** With ADMIN_EMAIL: the first admin can sign in to the pages with this password. */
  adminPassword: string | null;
  smsMaxSegments: number;
  bodyLimit: string;
  logLevel: LogLevel;
  scheduler: SchedulerConfig;
  /** Base URL the providers can reach us at (status callbacks); null when not public. */
  publicUrl: string | null;
  consent: ConsentConfig;
}

export interface ConsentConfig {
  /** Answer to HELP/INFO (CTIA: name the program, a contact, how to stop, that rates may apply). */
  helpReply: string;
  /** Secret in the URL of webhooks whose providers do not sign them; null disables those. */
  webhookToken: string | null;
  /** Verifies X-Twilio-Signature; null disables the Twilio webhooks. */
  twilioAuthToken: string | null;
  /** Optional sending window in the recipient's local time (SMS_QUIET_HOURS, e.g. 08:00-21:00). */
  sendingWindow: SendingWindow | null;
  /** Price of one SMS segment for campaign cost estimates; null when not configured. */
  pricePerSegment: number | null;
  currency: string;
}

export const DEFAULT_HELP_REPLY =
  'CRM SMS: for help, contact your account manager. Reply STOP to opt out. Msg & data rates may apply.';

/** How the scheduled jobs run. Cron expressions have a seconds field (node-cron). */
export interface SchedulerConfig {
  enabled: boolean;
  dispatchCron: string;
  campaignCron: string;
  expiryCron: string;
  recoveryCron: string;
  /** Messages claimed at once by one worker (also capped to about one second of sending). */
  batchSize: number;
  /** Gateway requests in flight at once per worker. */
  concurrency: number;
  /** Recipients expanded per transaction by the campaign job. */
  campaignChunkSize: number;
  maxAttempts: number;
  /** Per gateway, all workers together; 0 turns the limit off. */
  ratePerSecond: number;
  validityHours: number;
  leaseSeconds: number;
  /** How long one gateway request may take (SMS_GATEWAY_TIMEOUT_MS). */
  gatewayTimeoutMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

export const DEFAULT_DATABASE_URL = 'sqlite:./data/crm-sms.sqlite';

export const DEFAULT_CRON = {
  dispatch: '* * * * * *',
  campaign: '* * * * * *',
  expiry: '*/30 * * * * *',
  recovery: '*/10 * * * * *',
} as const;

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function readInt(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') {
    return fallback;
  }
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name}='${raw}' must be an integer between ${min} and ${max}`);
  }
  return value;
}

function readString(env: Env, name: string, fallback: string): string {
  const raw = env[name];
  return raw === undefined || raw.trim() === '' ? fallback : raw.trim();
}

function readCron(env: Env, name: string, fallback: string): string {
  const value = readString(env, name, fallback);
  if (!validateCron(value)) {
    throw new ConfigError(
      `${name}='${value}' is not a cron expression (six fields with seconds, e.g. '*/5 * * * * *')`,
    );
  }
  return value;
}

function readSwitch(env: Env, name: string, fallback: boolean): boolean {
  const raw = readString(env, name, fallback ? 'on' : 'off').toLowerCase();
  if (['on', 'true', '1', 'yes'].includes(raw)) {
    return true;
  }
  if (['off', 'false', '0', 'no'].includes(raw)) {
    return false;
  }
  throw new ConfigError(`${name}='${raw}' must be on or off`);
}

function readUrl(env: Env, name: string): string | null {
  const raw = env[name]?.trim();
  if (!raw) {
    return null;
  }
  try {
    const url = new URL(raw);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new Error('protocol');
    }
    return raw.replace(/\/+$/, '');
  } catch {
    throw new ConfigError(
      `${name}='${raw}' must be an http(s) URL such as https://sms.example.com`,
    );
  }
}

export function loadSchedulerConfig(env: Env = process.env): SchedulerConfig {
  const retryBaseMs = readInt(env, 'SMS_RETRY_BASE_MS', 5_000, 1, 3_600_000);
  const leaseSeconds = readInt(env, 'SMS_LEASE_SECONDS', 60, 5, 3_600);
  const gatewayTimeoutMs = readInt(env, 'SMS_GATEWAY_TIMEOUT_MS', 10_000, 100, 300_000);
  // A send must be able to finish inside the claim's lease, or recovery could settle a message
  // whose request is still in flight.
  if (gatewayTimeoutMs + 2_000 > leaseSeconds * 1000) {
    throw new ConfigError(
      `SMS_LEASE_SECONDS=${leaseSeconds} is too short for SMS_GATEWAY_TIMEOUT_MS=${gatewayTimeoutMs}: the lease must exceed the timeout by at least 2 seconds`,
    );
  }
  return {
    enabled: readSwitch(env, 'SCHEDULER', true),
    dispatchCron: readCron(env, 'DISPATCH_CRON', DEFAULT_CRON.dispatch),
    campaignCron: readCron(env, 'CAMPAIGN_CRON', DEFAULT_CRON.campaign),
    expiryCron: readCron(env, 'EXPIRY_CRON', DEFAULT_CRON.expiry),
    recoveryCron: readCron(env, 'RECOVERY_CRON', DEFAULT_CRON.recovery),
    batchSize: readInt(env, 'DISPATCH_BATCH_SIZE', 200, 1, 10_000),
    concurrency: readInt(env, 'DISPATCH_CONCURRENCY', 20, 1, 1_000),
    campaignChunkSize: readInt(env, 'CAMPAIGN_CHUNK_SIZE', 1_000, 1, 20_000),
    maxAttempts: readInt(env, 'SMS_MAX_ATTEMPTS', 5, 1, 100),
    ratePerSecond: readInt(env, 'SMS_RATE_PER_SECOND', 10, 0, 100_000),
    validityHours: readInt(env, 'SMS_VALIDITY_HOURS', 24, 1, 24 * 30),
    leaseSeconds,
    gatewayTimeoutMs,
    retryBaseMs,
    retryMaxMs: readInt(env, 'SMS_RETRY_MAX_MS', 300_000, retryBaseMs, 86_400_000),
  };
}

function readPrice(env: Env, name: string): number | null {
  const raw = env[name]?.trim();
  if (!raw) {
    return null;
  }
  const value = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw) || !Number.isFinite(value)) {
    throw new ConfigError(`${name}='${raw}' must be a decimal number such as 0.045`);
  }
  return value;
}

export function loadConsentConfig(env: Env = process.env): ConsentConfig {
  const webhookToken = env.WEBHOOK_TOKEN?.trim() || null;
  if (webhookToken !== null && webhookToken.length < 16) {
    throw new ConfigError('WEBHOOK_TOKEN must be at least 16 characters long');
  }
  const quietHours = env.SMS_QUIET_HOURS?.trim() || null;
  let sendingWindow: SendingWindow | null = null;
  if (quietHours !== null) {
    try {
      sendingWindow = parseSendingWindow(quietHours);
    } catch (error) {
      throw new ConfigError(`SMS_QUIET_HOURS: ${(error as Error).message}`);
    }
  }
  return {
    helpReply: readString(env, 'SMS_HELP_REPLY', DEFAULT_HELP_REPLY),
    webhookToken,
    twilioAuthToken: env.TWILIO_AUTH_TOKEN?.trim() || null,
    sendingWindow,
    pricePerSegment: readPrice(env, 'SMS_PRICE_PER_SEGMENT'),
    currency: readString(env, 'SMS_PRICE_CURRENCY', 'EUR'),
  };
}

function readAdminPassword(env: Env): string | null {
  const raw = env.ADMIN_PASSWORD;
  if (raw === undefined || raw === '') {
    return null;
  }
  if (raw.length < 10) {
    throw new ConfigError('ADMIN_PASSWORD must be at least 10 characters long');
  }
  return raw;
}

export function loadConfig(env: Env = process.env): AppConfig {
  const adminApiToken = env.ADMIN_API_TOKEN?.trim() || null;
  if (adminApiToken !== null && adminApiToken.length < 16) {
    throw new ConfigError('ADMIN_API_TOKEN must be at least 16 characters long');
  }
  const logLevel = readString(env, 'LOG_LEVEL', 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL='${logLevel}' must be one of ${LOG_LEVELS.join(', ')}`);
  }
  const databaseUrl = readString(env, 'DATABASE_URL', DEFAULT_DATABASE_URL);
  if (!/^(sqlite|mysql|mariadb):/.test(databaseUrl)) {
    throw new ConfigError(
      `DATABASE_URL must start with sqlite: or mysql:// (got '${databaseUrl.split(':')[0]}:...')`,
    );
  }
  return {
    port: readInt(env, 'PORT', 3000, 0, 65535),
    databaseUrl,
    adminApiToken,
    adminEmail: readString(env, 'ADMIN_EMAIL', 'admin@example.com'),
    adminPassword: readAdminPassword(env),
    smsMaxSegments: readInt(env, 'SMS_MAX_SEGMENTS', 10, 1, 255),
    bodyLimit: readString(env, 'HTTP_BODY_LIMIT', '1mb'),
    logLevel,
    scheduler: loadSchedulerConfig(env),
    publicUrl: readUrl(env, 'PUBLIC_URL'),
    consent: loadConsentConfig(env),
  };
}
