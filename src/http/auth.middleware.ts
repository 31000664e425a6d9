import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ConsentSource } from '../../entities/consent-log-entry.entity';
import type { User } from '../../entities/user.entity';
import type { ConsentActor } from '../services/consent/consent.service';
import { roleCan } from '../auth/permissions';
import type { Permission } from '../auth/permissions';
import { DomainError, ErrorCode } from '../errors/domain-error';
import type { UserService } from '../services/user.service';

/** Reads `Authorization: Bearer <token>` and attaches the active user holding it. */
export function authenticate(users: UserService): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) {
      throw new DomainError(
        ErrorCode.Unauthorized,
        header
          ? 'the Authorization header must be "Bearer <token>"'
          : 'an API token is required (Authorization: Bearer <token>)',
      );
    }
    const user = await users.findByApiToken(match[1]);
    if (!user) {
      throw new DomainError(ErrorCode.Unauthorized, 'the API token is not valid');
    }
    res.locals.user = user;
    next();
  };
}

export function currentUser(res: Response): User {
  return res.locals.user as User;
}

export function requirePermission(permission: Permission): RequestHandler {
  return (_req, res, next) => {
    const user = currentUser(res);
    if (!roleCan(user.role, permission)) {
      throw new DomainError(
        ErrorCode.Forbidden,
        `the ${user.role} role may not do this (needs ${permission})`,
      );
    }
    next();
  };
}

/** The signed-in user as the author of a consent change made through the API. */
export function apiActor(res: Response): ConsentActor {
  return { source: ConsentSource.Api, userId: currentUser(res).id };
}
