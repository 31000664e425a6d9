import type { ErrorRequestHandler, RequestHandler } from 'express';
import { DomainError, ErrorCode } from '../errors/domain-error';
import type { Logger } from '../logger';

function assertUnreachable(value: never): never {
  throw new Error(`unmapped error code: ${String(value)}`);
}

/** The one place where error codes become HTTP statuses. A new code that is not mapped fails to compile. */
export function httpStatusOf(code: ErrorCode): number {
  switch (code) {
    case ErrorCode.ValidationFailed:
    case ErrorCode.NoPhone:
    case ErrorCode.NotOptedIn:
    case ErrorCode.Suppressed:
      return 422;
    case ErrorCode.BadRequest:
      return 400;
    case ErrorCode.Unauthorized:
      return 401;
    case ErrorCode.Forbidden:
      return 403;
    case ErrorCode.NotFound:
      return 404;
    case ErrorCode.Conflict:
      return 409;
    case ErrorCode.PayloadTooLarge:
      return 413;
    case ErrorCode.UnsupportedMediaType:
      return 415;
    case ErrorCode.ServiceUnavailable:
      return 503;
    case ErrorCode.Internal:
      return 500;
    default:
      return assertUnreachable(code);
  }
}

/** body-parser's errors carry a `type`; translate the ones a client can cause. */
function fromBodyParser(error: unknown): DomainError | null {
  const type = (error as { type?: unknown } | null)?.type;
  switch (type) {
    case 'entity.parse.failed':
      return new DomainError(ErrorCode.BadRequest, 'the request body is not valid JSON');
    case 'entity.too.large':
      return new DomainError(ErrorCode.PayloadTooLarge, 'the request body is too large');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new DomainError(ErrorCode.UnsupportedMediaType, 'send the request body as UTF-8 JSON');
    case 'request.aborted':
    case 'request.size.invalid':
      return new DomainError(ErrorCode.BadRequest, 'the request body was incomplete');
    default:
      return null;
  }
}

/** Unique-index violations that slipped past a service's own check (a race) are conflicts. */
function fromDatabase(error: unknown): DomainError | null {
  const code = (error as { code?: unknown; driverError?: { code?: unknown } } | null)?.driverError
    ?.code;
  if (
    code === 'ER_DUP_ENTRY' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  ) {
    return new DomainError(
      ErrorCode.Conflict,
      'a record with the same unique value already exists',
    );
  }
  return null;
}

export function createErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const known =
      error instanceof DomainError ? error : (fromBodyParser(error) ?? fromDatabase(error));
    const domain =
      known ??
      new DomainError(ErrorCode.Internal, 'an unexpected error occurred; it has been logged');
    const status = httpStatusOf(domain.code);
    if (!known) {
      logger.error('unhandled error', {
        method: req.method,
        path: req.path,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
    }
    if (res.headersSent) {
      return;
    }
    const body: { code: string; message: string; details?: unknown } = {
      code: domain.code,
      message: domain.message,
    };
    if (domain.details.length > 0) {
      body.details = domain.details;
    }
    res.status(status).json({ error: body });
  };
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new DomainError(ErrorCode.NotFound, `no route for ${req.method} ${req.path}`));
};
