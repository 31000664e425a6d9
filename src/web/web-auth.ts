import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { User } from '../../entities/user.entity';
import { roleCan } from '../auth/permissions';
import type { Permission } from '../auth/permissions';
import { SESSION_COOKIE } from './session.service';
import type { SessionService } from './session.service';

export const SIGN_IN_CSRF_COOKIE = 'crm_sms_signin';

/** Cookies from the request header (no dependency needed for this much). */
export function readCookies(req: Request): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index > 0) {
      const name = part.slice(0, index).trim();
      try {
        out[name] = decodeURIComponent(part.slice(index + 1).trim());
      } catch {
        // a malformed cookie is ignored, never a 500
      }
    }
  }
  return out;
}

export function sameSecret(expected: string, given: unknown): boolean {
  if (typeof given !== 'string') {
    return false;
  }
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function pageUser(res: Response): User | null {
  return (res.locals.user as User | undefined) ?? null;
}

/** Loads the session from its cookie; pages see `user`, `csrf_token` and `can`. */
export function loadSession(sessions: SessionService): RequestHandler {
  return async (req, res, next) => {
    const session = await sessions.find(readCookies(req)[SESSION_COOKIE]);
    if (session) {
      res.locals.user = session.user;
      res.locals.csrf_token = session.csrfToken;
      res.locals.can = permissionsOf(session.user);
    }
    next();
  };
}

function permissionsOf(user: User): Record<string, boolean> {
  return {
    write_records: roleCan(user.role, 'records:write' as Permission),
    write_messages: roleCan(user.role, 'messages:write' as Permission),
    manage_templates: roleCan(user.role, 'templates:manage' as Permission),
    manage_campaigns: roleCan(user.role, 'campaigns:manage' as Permission),
    manage_users: roleCan(user.role, 'users:manage' as Permission),
    manage_gateways: roleCan(user.role, 'gateways:manage' as Permission),
  };
}

export function requireSignIn(req: Request, res: Response, next: NextFunction): void {
  if (!pageUser(res)) {
    const target = req.method === 'GET' ? req.originalUrl : '/';
    res.redirect(303, `/sign-in?next=${encodeURIComponent(target)}`);
    return;
  }
  next();
}

/** Every state-changing form carries the session's CSRF token; anything else is refused. */
export function verifyCsrf(req: Request, res: Response, next: NextFunction): void {
  if (req.method === 'GET' || req.method === 'HEAD') {
    next();
    return;
  }
  const expected = res.locals.csrf_token as string | undefined;
  const given = (req.body as Record<string, unknown> | undefined)?._csrf ?? req.get('x-csrf-token');
  if (!expected || !sameSecret(expected, given)) {
    res.status(403).render('error', {
      title: 'Form refused',
      message:
        'This form was refused because its security token is missing or out of date. Go back, reload the page and try again.',
    });
    return;
  }
  next();
}

export function requirePage(permission: Permission): RequestHandler {
  return (_req, res, next) => {
    const user = pageUser(res);
    if (!user || !roleCan(user.role, permission)) {
      res.status(403).render('error', {
        title: 'Not allowed',
        message: `Your role (${user?.role ?? 'none'}) cannot open this page.`,
      });
      return;
    }
    next();
  };
}

export function newSignInToken(): string {
  return randomBytes(24).toString('base64url');
}
