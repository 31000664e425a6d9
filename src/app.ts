import express from 'express';
import type { Express } from 'express';
import type { AppConfig } from './config/config';
import { authenticate } from './http/auth.middleware';
import { consentRoutes } from './http/consent.routes';
import { createErrorHandler, notFoundHandler } from './http/error-handler';
import { mountWebPages } from './web/web-app';
import { gatewaySettingsRoutes } from './http/gateway-settings.routes';
import { recordRoutes } from './http/records.routes';
import { smsCampaignRoutes } from './http/sms-campaigns.routes';
import { smsMessageRoutes } from './http/sms-messages.routes';
import { smsTemplateRoutes } from './http/sms-templates.routes';
import { smsTestRoutes } from './http/sms-test.routes';
import { userRoutes } from './http/users.routes';
import { webhookRoutes } from './http/webhooks.routes';
import { AccountDto, ContactDto } from './http/dtos/record.dto';
import { presentAccount, presentContact } from './http/presenters';
import type { Logger } from './logger';
import type { Services } from './services';
import type { GatewaySettingsService } from './services/settings/gateway-settings.service';
import type { TestSendService } from './services/test-send.service';

export interface AppExtras {
  testSends: TestSendService;
  gatewaySettings: GatewaySettingsService;
  /** Applies saved gateway settings to this process at once. */
  reloadGateway: () => Promise<void>;
  /** The environment the gateway settings override. */
  env: Record<string, string | undefined>;
}

export function createApp(
  services: Services,
  config: AppConfig,
  logger: Logger,
  extras: AppExtras,
): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');

  app.get('/health', async (_req, res) => {
    try {
      await services.dataSource.query('SELECT 1');
      res.json({ status: 'ok' });
    } catch (error) {
      logger.error('health check failed', { error: String(error) });
      res.status(503).json({ status: 'unavailable', error: 'the database does not answer' });
    }
  });

  const api = express.Router();
  // Authenticate before reading the body: an anonymous caller learns nothing but 401.
  api.use(authenticate(services.users));
  api.use(express.json({ limit: config.bodyLimit, strict: true }));
  // Before the record routers, so /contacts/:id/consent-log is not taken for a record id.
  api.use('/', consentRoutes(services));
  api.use(
    '/contacts',
    recordRoutes(services, services.contacts, ContactDto, presentContact, 'last_name'),
  );
  api.use(
    '/accounts',
    recordRoutes(services, services.accounts, AccountDto, presentAccount, 'name'),
  );
  api.use('/sms-templates', smsTemplateRoutes(services));
  api.use('/sms-campaigns', smsCampaignRoutes(services, config.consent));
  api.use('/users', userRoutes(services));
  api.use('/sms-test', smsTestRoutes(extras.testSends));
  api.use(
    '/gateway-settings',
    gatewaySettingsRoutes(extras.gatewaySettings, extras.env, extras.reloadGateway),
  );
  api.use('/', smsMessageRoutes(services));
  api.use(notFoundHandler);
  // API errors are answered as JSON right here, never by the pages' HTML error handler.
  api.use(createErrorHandler(logger));
  app.use('/api', api);

  const webhooks = webhookRoutes(services, config, logger, async () => {
    const { env } = await extras.gatewaySettings.effectiveEnv(extras.env).catch(() => ({
      env: extras.env,
    }));
    return env.TWILIO_AUTH_TOKEN?.trim() || null;
  });
  webhooks.use(createErrorHandler(logger));
  app.use('/webhooks', webhooks);
  // Webhooks and JSON errors above; the pages (with their own error pages) below.
  mountWebPages(app, { services, config, logger, ...extras });

  app.use(createErrorHandler(logger));
  return app;
}
