import { plainToInstance } from 'class-transformer';
import type { ClassConstructor } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { ValidationError } from 'class-validator';
import type { Request } from 'express';
import { DomainError, ErrorCode, validationFailed } from '../errors/domain-error';
import type { ErrorDetail } from '../errors/domain-error';

function flatten(errors: ValidationError[], prefix = ''): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  for (const error of errors) {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    for (const [rule, message] of Object.entries(error.constraints ?? {})) {
      details.push({
        field,
        message: rule === 'whitelistValidation' ? 'is not a known field' : message,
      });
    }
    details.push(...flatten(error.children ?? [], field));
  }
  return details;
}

/**
 * Turns untrusted input into a validated DTO instance, or throws validation_failed naming every
 * bad field. Unknown fields are refused rather than ignored, so typos do not pass silently.
 */
export function parseDto<T extends object>(dtoClass: ClassConstructor<T>, input: unknown): T {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new DomainError(ErrorCode.BadRequest, 'the request body must be a JSON object');
  }
  const dto = plainToInstance(dtoClass, input);
  const errors = validateSync(dto, {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
  });
  if (errors.length > 0) {
    throw validationFailed(flatten(errors));
  }
  return dto;
}

/**
 * The JSON body of a POST/PATCH. No body at all reads as `{}` (so required fields are named by
 * validation); a body that is not JSON is refused.
 */
export function jsonBody(req: Request): unknown {
  if (req.body !== undefined) {
    return req.body;
  }
  const length = req.get('content-length');
  const hasBody =
    req.get('transfer-encoding') !== undefined || (length !== undefined && length !== '0');
  if (hasBody) {
    throw new DomainError(
      ErrorCode.UnsupportedMediaType,
      'send the request body as JSON with Content-Type: application/json',
    );
  }
  return {};
}

/** Query strings arrive as strings (or arrays when repeated); refuse repeats explicitly. */
export function queryObject(req: Request): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.query)) {
    if (typeof value !== 'string') {
      throw validationFailed([{ field: key, message: 'must be given once, as a plain value' }]);
    }
    out[key] = value;
  }
  return out;
}

/** A named route parameter as a string (Express types allow arrays for wildcard segments). */
export function param(req: Request, name: string): string {
  const value = (req.params as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(value) ? value.join('/') : (value ?? '');
}
