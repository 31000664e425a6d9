/**
 * One validated configuration object, read from the environment once at boot.
 * A bad value stops the process with a message naming the variable, never a silent default.
 */
export interface AppConfig {
  port: number;
  databaseUrl: string;
  adminApiToken: string | null;
  adminEmail: string;
  smsMaxSegments: number;
  bodyLimit: string;
  logLevel: LogLevel;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

export const DEFAULT_DATABASE_URL = 'sqlite:./data/crm-sms.sqlite';

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
    smsMaxSegments: readInt(env, 'SMS_MAX_SEGMENTS', 10, 1, 255),
    bodyLimit: readString(env, 'HTTP_BODY_LIMIT', '1mb'),
    logLevel,
  };
}
