import type { DataSource } from 'typeorm';
import { AppSetting } from '../../../entities/app-setting.entity';
import { DomainError, ErrorCode, fieldError, validationFailed } from '../../errors/domain-error';
import {
  createGateway,
  GATEWAY_ENV_VARS,
  GatewayConfigError,
  SMS_PROVIDERS,
} from '../../gateways/gateway.factory';
import type { SecretBox } from './secret-box';

const KEY = 'gateway';

type Env = Record<string, string | undefined>;

/** What the admin page shows: never a secret, only whether it is set. */
export interface GatewaySettingsView {
  source: 'settings' | 'environment';
  provider: string;
  ratePerSecond: number | null;
  fields: Array<{
    name: string;
    description: string;
    secret: boolean;
    provider: string | null;
    value: string | null; // null for secrets
    isSet: boolean;
  }>;
  updatedAt: Date | null;
}

export interface GatewaySettingsInput {
  provider: string;
  ratePerSecond: number | null;
  /** Variable → value; an empty secret keeps the stored one, an empty non-secret clears it. */
  values: Record<string, string>;
}

interface Stored {
  provider: string;
  ratePerSecond: number | null;
  values: Record<string, string>; // secrets sealed
}

// The timeout stays an environment setting: it must fit inside the scheduler's lease, which is
// checked at start.
const VARS = GATEWAY_ENV_VARS.filter(
  (v) => v.name !== 'SMS_PROVIDER' && v.name !== 'SMS_GATEWAY_TIMEOUT_MS',
);
const KNOWN = new Set(VARS.map((v) => v.name));
const SECRET = new Set(VARS.filter((v) => v.secret).map((v) => v.name));

/**
 * The SMS gateway configured from the admin pages. It overrides the environment; credentials are
 * stored encrypted and never leave the server again.
 */
export class GatewaySettingsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly box: SecretBox,
  ) {}

  private async load(): Promise<{ stored: Stored; updatedAt: Date } | null> {
    const row = await this.dataSource.getRepository(AppSetting).findOne({ where: { key: KEY } });
    return row ? { stored: JSON.parse(row.value) as Stored, updatedAt: row.updated_at } : null;
  }

  /** When the settings last changed (workers poll this to reload). */
  async version(): Promise<string | null> {
    return (await this.load())?.updatedAt.toISOString() ?? null;
  }

  /** The environment the gateway is built from: process env overridden by saved settings. */
  async effectiveEnv(base: Env): Promise<{ env: Env; ratePerSecond: number | null }> {
    const saved = await this.load();
    if (!saved) {
      return { env: base, ratePerSecond: null };
    }
    const env: Env = { ...base, SMS_PROVIDER: saved.stored.provider };
    for (const [name, value] of Object.entries(saved.stored.values)) {
      env[name] = SECRET.has(name) ? this.box.open(value) : value;
    }
    return { env, ratePerSecond: saved.stored.ratePerSecond };
  }

  async view(base: Env): Promise<GatewaySettingsView> {
    const saved = await this.load();
    let effective;
    try {
      effective = await this.effectiveEnv(base);
    } catch {
      throw new DomainError(
        ErrorCode.ServiceUnavailable,
        'the saved gateway settings cannot be decrypted (SETTINGS_ENCRYPTION_KEY or the key file changed); reset them and save again',
      );
    }
    const { env, ratePerSecond } = effective;
    return {
      source: saved ? 'settings' : 'environment',
      provider: env.SMS_PROVIDER ?? 'log',
      ratePerSecond,
      updatedAt: saved?.updatedAt ?? null,
      fields: VARS.map((v) => ({
        name: v.name,
        description: v.description,
        secret: v.secret,
        provider: v.provider ?? null,
        value: v.secret ? null : (env[v.name] ?? null),
        isSet: Boolean(env[v.name]),
      })),
    };
  }

  /** Validates by building the gateway it describes; nothing is saved when that fails. */
  async save(input: GatewaySettingsInput, base: Env, userId: string): Promise<void> {
    if (!(SMS_PROVIDERS as readonly string[]).includes(input.provider)) {
      throw fieldError('provider', `must be one of ${SMS_PROVIDERS.join(', ')}`);
    }
    if (
      input.ratePerSecond !== null &&
      !(input.ratePerSecond >= 0 && input.ratePerSecond <= 100_000)
    ) {
      throw fieldError('rate_per_second', 'must be a number from 0 (unlimited) to 100000');
    }
    const unknown = Object.keys(input.values).filter((name) => !KNOWN.has(name));
    if (unknown.length > 0) {
      throw validationFailed(
        unknown.map((name) => ({ field: `values.${name}`, message: 'is not a gateway setting' })),
      );
    }
    const previous = (await this.load())?.stored.values ?? {};
    const values: Record<string, string> = {};
    for (const v of VARS) {
      const given = input.values[v.name]?.trim() ?? '';
      if (v.secret) {
        if (given !== '') {
          values[v.name] = this.box.seal(given);
        } else if (previous[v.name]) {
          values[v.name] = previous[v.name];
        }
      } else if (given !== '') {
        values[v.name] = given;
      }
    }
    const stored: Stored = { provider: input.provider, ratePerSecond: input.ratePerSecond, values };
    const env: Env = { ...base, SMS_PROVIDER: input.provider };
    for (const [name, value] of Object.entries(values)) {
      env[name] = SECRET.has(name) ? this.box.open(value) : value;
    }
    try {
      const gateway = createGateway(env, () => undefined);
      await gateway.close?.();
    } catch (error) {
      if (error instanceof GatewayConfigError) {
        throw validationFailed([{ field: 'provider', message: error.message }]);
      }
      throw error;
    }
    await this.dataSource.getRepository(AppSetting).save({
      key: KEY,
      value: JSON.stringify(stored),
      updated_by_user_id: userId,
      updated_at: new Date(),
    });
  }

  /** Back to the environment's configuration. */
  async reset(): Promise<void> {
    await this.dataSource.getRepository(AppSetting).delete({ key: KEY });
  }
}
