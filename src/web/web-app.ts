import express, { Router } from 'express';
import type { Express, NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import type { AppConfig } from '../config/config';
import { DomainError } from '../errors/domain-error';
import type { Logger } from '../logger';
import type { Services } from '../services';
import type { GatewaySettingsService } from '../services/settings/gateway-settings.service';
import type { TestSendService } from '../services/test-send.service';
import { signInRoutes } from './pages/sign-in.pages';
import { SessionService } from './session.service';
import { SignInLimiter } from './sign-in-limiter';
import { createViewEngine, projectPath } from './view-engine';
import { loadSession, requireSignIn, verifyCsrf } from './web-auth';
import { pageRouters } from './pages';

export interface WebContext {
  services: Services;
  config: AppConfig;
  logger: Logger;
  sessions: SessionService;
  testSends: TestSendService;
  gatewaySettings: GatewaySettingsService;
  reloadGateway: () => Promise<void>;
  env: Record<string, string | undefined>;
}

/**
 * The server-rendered pages: Liquid views with every output escaped, sessions in the database,
 * a CSRF token on every form, helmet's headers (a strict CSP: no inline scripts, nothing from
 * other origins), and sign-in attempts rate-limited.
 */
export function mountWebPages(app: Express, context: Omit<WebContext, 'sessions'>): void {
  const sessions = new SessionService(context.services.dataSource);
  const ctx: WebContext = { ...context, sessions };
  const views = createViewEngine(process.env.NODE_ENV === 'production');
  app.engine('liquid', views.express());
  app.set('view engine', 'liquid');
  app.set('views', projectPath('views'));

  const web = Router();
  web.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          upgradeInsecureRequests: null,
        },
      },
    }),
  );
  web.use('/assets', express.static(projectPath('public'), { maxAge: '1h', index: false }));
  web.get('/favicon.ico', (_req, res) => {
    res.status(204).end();
  });
  web.use(express.urlencoded({ extended: false, limit: context.config.bodyLimit }));
  web.use(loadSession(sessions));
  web.use(signInRoutes(ctx, new SignInLimiter()));
  web.use(requireSignIn);
  web.use(verifyCsrf);
  for (const router of pageRouters(ctx)) {
    web.use(router);
  }
  web.use((req: Request, res: Response) => {
    res.status(404).render('error', { title: 'Not found', message: `No page at ${req.path}.` });
  });
  web.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (error instanceof DomainError) {
      res.status(error.code === 'not_found' ? 404 : 409).render('error', {
        title: error.code === 'not_found' ? 'Not found' : 'Not possible',
        message: error.message,
      });
      return;
    }
    context.logger.error('page failed', {
      path: req.path,
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
    res.status(500).render('error', {
      title: 'Something went wrong',
      message: 'The error has been logged.',
    });
  });
  app.use(web);
}
