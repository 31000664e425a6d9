import { IsISO8601, ValidateIf } from 'class-validator';

/** Optional, but when present must not be null (for required columns edited by PATCH). */
export const OptionalNotNull = (): PropertyDecorator =>
  ValidateIf((_object, value) => value !== undefined);

/** ISO 8601 with a date, a time and a time zone: `2026-12-01T09:00:00Z` or `...+01:00`. */
export const IsIsoDateTime = (): PropertyDecorator =>
  IsISO8601(
    { strict: true, strictSeparator: true },
    {
      message:
        '$property must be an ISO 8601 date-time with a time zone, e.g. 2026-12-01T09:00:00Z',
    },
  );

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})$/i;

/** Parses a validated ISO date-time; refuses forms without a time zone, which would be guesses. */
export function parseDateTime(value: string): Date | null {
  if (!ISO_WITH_ZONE.test(value)) {
    return null;
  }
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}
