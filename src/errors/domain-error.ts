/** Every error code the API can answer with. One place maps each to an HTTP status. */
export enum ErrorCode {
  ValidationFailed = 'validation_failed',
  NoPhone = 'no_phone',
  NotOptedIn = 'not_opted_in',
  /** The number is on the suppression list (it replied STOP). */
  Suppressed = 'suppressed',
  BadRequest = 'bad_request',
  Unauthorized = 'unauthorized',
  Forbidden = 'forbidden',
  NotFound = 'not_found',
  Conflict = 'conflict',
  PayloadTooLarge = 'payload_too_large',
  UnsupportedMediaType = 'unsupported_media_type',
  ServiceUnavailable = 'service_unavailable',
  Internal = 'internal_error',
}

export interface ErrorDetail {
  field: string;
  message: string;
}

/** A failure the caller can act on: a code, a readable message and, for input, which field. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetail[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DomainError';
  }
}

export const validationFailed = (details: ErrorDetail[], message?: string): DomainError =>
  new DomainError(
    ErrorCode.ValidationFailed,
    message ?? details.map((d) => `${d.field}: ${d.message}`).join('; '),
    details,
  );

export const fieldError = (field: string, message: string): DomainError =>
  validationFailed([{ field, message }]);

export const notFound = (what: string, id: string): DomainError =>
  new DomainError(ErrorCode.NotFound, `${what} '${id}' was not found`);

export const conflict = (message: string): DomainError =>
  new DomainError(ErrorCode.Conflict, message);
