import { Router } from 'express';
import { verifyPassword } from '../../auth/passwords';
import { SESSION_COOKIE } from '../session.service';
import type { SignInLimiter } from '../sign-in-limiter';
import type { WebContext } from '../web-app';
import { newSignInToken, readCookies, sameSecret, SIGN_IN_CSRF_COOKIE } from '../web-auth';

/** Only local paths, so a crafted ?next= cannot send a user to another site after sign-in. */
function safeNext(value: unknown): string {
  return typeof value === 'string' && /^\/(?!\/)[^\s\\]*$/.test(value) ? value : '/contacts';
}

function cookieOptions(ctx: WebContext) {
  return {
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: ctx.config.publicUrl?.startsWith('https://') ?? false,
    path: '/',
  };
}

export function signInRoutes(ctx: WebContext, limiter: SignInLimiter): Router {
  const router = Router();

  const showForm = (
    req: import('express').Request,
    res: import('express').Response,
    status: number,
    fields: { email?: string; error?: string; next: string },
  ) => {
    // Before a session exists, the sign-in form is protected by a double-submit token. An
    // existing one is kept, so a second tab (or a stray request) does not void the first form.
    const existing = readCookies(req)[SIGN_IN_CSRF_COOKIE];
    const token = existing && /^[\w-]{32}$/.test(existing) ? existing : newSignInToken();
    res.cookie(SIGN_IN_CSRF_COOKIE, token, { ...cookieOptions(ctx), maxAge: 3_600_000 });
    res.status(status).render('sign-in', { title: 'Sign in', csrf_token: token, ...fields });
  };

  router.get('/', (_req, res) => res.redirect(303, res.locals.user ? '/contacts' : '/sign-in'));

  router.get('/sign-in', (req, res) => {
    if (res.locals.user) {
      res.redirect(303, safeNext(req.query.next));
      return;
    }
    showForm(req, res, 200, { next: safeNext(req.query.next) });
  });

  router.post('/sign-in', async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const next = safeNext(body.next);
    if (!sameSecret(readCookies(req)[SIGN_IN_CSRF_COOKIE] ?? '', body._csrf)) {
      res.status(403).render('error', {
        title: 'Form refused',
        message: 'The sign-in form expired. Reload the page and try again.',
      });
      return;
    }
    const email = typeof body.email === 'string' ? body.email.trim().toLowerCase() : '';
    const password = typeof body.password === 'string' ? body.password : '';
    const keys = [`ip:${req.ip}`, `email:${email}`];
    const wait = limiter.retryAfterMs(keys);
    if (wait > 0) {
      res.setHeader('Retry-After', String(Math.ceil(wait / 1000)));
      showForm(req, res, 429, {
        email,
        next,
        error: `Too many sign-in attempts. Try again in ${Math.ceil(wait / 60_000)} minute(s).`,
      });
      return;
    }
    const user = email ? await ctx.services.users.findActiveByEmail(email) : null;
    const ok = await verifyPassword(password, user?.password_hash ?? null);
    if (!user || !ok) {
      limiter.recordFailure(keys);
      showForm(req, res, 401, { email, next, error: 'Wrong email or password.' });
      return;
    }
    limiter.reset(keys);
    const token = await ctx.sessions.open(user.id);
    res.clearCookie(SIGN_IN_CSRF_COOKIE, { path: '/' });
    res.cookie(SESSION_COOKIE, token, { ...cookieOptions(ctx), maxAge: 12 * 3_600_000 });
    res.redirect(303, next);
  });

  router.post('/sign-out', async (req, res) => {
    const body = req.body as Record<string, unknown>;
    if (res.locals.csrf_token && !sameSecret(res.locals.csrf_token as string, body._csrf)) {
      res.status(403).render('error', {
        title: 'Form refused',
        message: 'This form was refused because its security token is missing or out of date.',
      });
      return;
    }
    await ctx.sessions.close(readCookies(req)[SESSION_COOKIE]);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.redirect(303, '/sign-in');
  });

  return router;
}
