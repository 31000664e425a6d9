import { Router } from 'express';
import type { Response } from 'express';
import { USER_ROLES } from '../../../entities/user.entity';
import type { UserRole } from '../../../entities/user.entity';
import { MIN_PASSWORD_LENGTH } from '../../auth/passwords';
import { Permission } from '../../auth/permissions';
import { DomainError, fieldError } from '../../errors/domain-error';
import type { ErrorDetail } from '../../errors/domain-error';
import { SMS_PROVIDERS } from '../../gateways/gateway.factory';
import { takePageRequest } from '../../services/pagination';
import type { WebContext } from '../web-app';
import { pageUser, requirePage } from '../web-auth';
import { formFields, stringQuery } from './page-helpers';

const byField = (details: ErrorDetail[]) =>
  Object.fromEntries(details.map((d) => [d.field, d.message]));

/** Admin: users, the SMS gateway (overrides the environment) and "Send as test". */
export function adminPages(ctx: WebContext): Router {
  const router = Router();
  const users = ctx.services.users;
  const admin = requirePage(Permission.ManageUsers);
  const gatewayAdmin = requirePage(Permission.ManageGateways);

  const renderUsers = async (res: Response, status = 200, extra: Record<string, unknown> = {}) => {
    const page = await users.list(takePageRequest({ per_page: '200' }));
    res.status(status).render('admin/users', {
      title: 'Users',
      section: 'admin',
      users: page.data,
      roles: USER_ROLES,
      min_password: MIN_PASSWORD_LENGTH,
      ...extra,
    });
  };

  router.get('/admin', admin, (_req, res) => res.redirect(303, '/admin/users'));

  router.get('/admin/users', admin, async (req, res) => {
    await renderUsers(res, 200, { notice: stringQuery(req).notice });
  });

  router.post('/admin/users', admin, async (req, res) => {
    const form = formFields(req.body);
    const errors: ErrorDetail[] = [];
    if (!USER_ROLES.includes(form.role as UserRole)) {
      errors.push({ field: 'role', message: `choose one of ${USER_ROLES.join(', ')}` });
    }
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(form.email ?? '')) {
      errors.push({ field: 'email', message: 'must be an email address' });
    }
    if (!form.name?.trim()) {
      errors.push({ field: 'name', message: 'must not be empty' });
    }
    if (form.password && form.password.length < MIN_PASSWORD_LENGTH) {
      errors.push({ field: 'password', message: `at least ${MIN_PASSWORD_LENGTH} characters` });
    }
    if (errors.length === 0) {
      try {
        const { user, apiToken } = await users.create({
          email: form.email,
          name: form.name,
          role: form.role as UserRole,
        });
        if (form.password) {
          await users.setPassword(user.id, form.password);
        }
        await renderUsers(res, 201, {
          notice: `User ${user.email} created.`,
          new_token: { email: user.email, token: apiToken },
        });
        return;
      } catch (error) {
        if (!(error instanceof DomainError)) {
          throw error;
        }
        errors.push(
          ...(error.details.length ? error.details : [{ field: 'email', message: error.message }]),
        );
      }
    }
    await renderUsers(res, 422, { form, errors: byField(errors) });
  });

  router.post('/admin/users/:id', admin, async (req, res) => {
    const form = formFields(req.body);
    const id = String(req.params.id);
    const actor = pageUser(res);
    try {
      if (form.action === 'token') {
        const { user, apiToken } = await users.rotateToken(id);
        await renderUsers(res, 200, {
          notice: `New API token for ${user.email}; the old one no longer works.`,
          new_token: { email: user.email, token: apiToken },
        });
        return;
      }
      if (form.action === 'password') {
        if ((form.password ?? '').length < MIN_PASSWORD_LENGTH) {
          throw fieldError('password', `needs at least ${MIN_PASSWORD_LENGTH} characters`);
        }
        await users.setPassword(id, form.password);
        await ctx.sessions.closeAllFor(id);
        res.redirect(303, '/admin/users?notice=' + encodeURIComponent('Password changed.'));
        return;
      }
      const changes: { role?: UserRole; active?: boolean } = {};
      if (form.action === 'role' && USER_ROLES.includes(form.role as UserRole)) {
        changes.role = form.role as UserRole;
      }
      if (form.action === 'deactivate') {
        changes.active = false;
      }
      if (form.action === 'activate') {
        changes.active = true;
      }
      const user = await users.update(id, changes, actor?.id ?? '');
      if (changes.active === false || changes.role) {
        await ctx.sessions.closeAllFor(id);
      }
      res.redirect(303, '/admin/users?notice=' + encodeURIComponent(`${user.email} updated.`));
    } catch (error) {
      if (!(error instanceof DomainError)) {
        throw error;
      }
      await renderUsers(res, 409, { error: error.message });
    }
  });

  const renderGateway = async (
    res: Response,
    status = 200,
    extra: Record<string, unknown> = {},
  ) => {
    const view = await ctx.gatewaySettings.view(ctx.env);
    res.status(status).render('admin/gateway', {
      title: 'SMS gateway',
      section: 'admin',
      settings: view,
      providers: SMS_PROVIDERS,
      default_rate: ctx.config.scheduler.ratePerSecond,
      ...extra,
    });
  };

  router.get('/admin/gateway', gatewayAdmin, async (req, res) => {
    await renderGateway(res, 200, { notice: stringQuery(req).notice });
  });

  router.post('/admin/gateway', gatewayAdmin, async (req, res) => {
    const form = formFields(req.body);
    const values: Record<string, string> = {};
    for (const [key, value] of Object.entries(form)) {
      if (/^[A-Z][A-Z0-9_]+$/.test(key)) {
        values[key] = value;
      }
    }
    const rate = form.rate_per_second?.trim();
    try {
      await ctx.gatewaySettings.save(
        {
          provider: form.provider ?? '',
          ratePerSecond: rate ? Number(rate) : null,
          values,
        },
        ctx.env,
        pageUser(res)?.id ?? '',
      );
      await ctx.reloadGateway();
      res.redirect(
        303,
        '/admin/gateway?notice=' + encodeURIComponent('Gateway settings saved and applied.'),
      );
    } catch (error) {
      if (!(error instanceof DomainError)) {
        throw error;
      }
      // Secrets typed are not echoed back into the page.
      await renderGateway(res, 422, { errors: byField(error.details), error: error.message });
    }
  });

  router.post('/admin/gateway/reset', gatewayAdmin, async (_req, res) => {
    await ctx.gatewaySettings.reset();
    await ctx.reloadGateway();
    res.redirect(
      303,
      '/admin/gateway?notice=' + encodeURIComponent('Back to the environment settings.'),
    );
  });

  router.post('/admin/gateway/test', gatewayAdmin, async (req, res) => {
    const form = formFields(req.body);
    try {
      const message = await ctx.testSends.send(
        { to: form.to ?? '', body: form.body || 'Test message from CRM SMS' },
        pageUser(res)?.id ?? null,
      );
      await renderGateway(res, 200, { test_result: message, test_form: form });
    } catch (error) {
      if (!(error instanceof DomainError)) {
        throw error;
      }
      await renderGateway(res, 422, { test_error: error.message, test_form: form });
    }
  });

  return router;
}
