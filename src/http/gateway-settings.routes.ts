import { Router } from 'express';
import { IsIn, IsInt, IsObject, IsOptional, Max, Min } from 'class-validator';
import { Permission } from '../auth/permissions';
import { SMS_PROVIDERS } from '../gateways/gateway.factory';
import type { GatewaySettingsService } from '../services/settings/gateway-settings.service';
import { currentUser, requirePermission } from './auth.middleware';
import { jsonBody, parseDto } from './validate';

class GatewaySettingsDto {
  @IsIn(SMS_PROVIDERS, { message: `provider must be one of ${SMS_PROVIDERS.join(', ')}` })
  provider!: string;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100_000)
  rate_per_second?: number | null;

  /** Variable → value, as in the environment (e.g. TWILIO_AUTH_TOKEN); empty secrets are kept. */
  @IsOptional()
  @IsObject()
  values?: Record<string, string>;
}

/** Admins: the SMS gateway settings that override the environment. Secrets never come back. */
export function gatewaySettingsRoutes(
  settings: GatewaySettingsService,
  env: Record<string, string | undefined>,
  reload: () => Promise<void>,
): Router {
  const router = Router();
  router.use(requirePermission(Permission.ManageGateways));
  router.get('/', async (_req, res) => {
    res.json(await settings.view(env));
  });
  router.put('/', async (req, res) => {
    const dto = parseDto(GatewaySettingsDto, jsonBody(req));
    const values: Record<string, string> = {};
    for (const [key, value] of Object.entries(dto.values ?? {})) {
      values[key] = String(value);
    }
    await settings.save(
      { provider: dto.provider, ratePerSecond: dto.rate_per_second ?? null, values },
      env,
      currentUser(res).id,
    );
    await reload();
    res.json(await settings.view(env));
  });
  router.delete('/', async (_req, res) => {
    await settings.reset();
    await reload();
    res.json(await settings.view(env));
  });
  return router;
}
