import { IsISO8601, Matches, ValidateIf } from 'class-validator';

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
  if (Number.isNaN(date.getTime())) {
    return null;
  }
  // Date rolls impossible days (Feb 30) over; compare the calendar date as typed with what the
  // same wall-clock reads back, in UTC for 'Z' and with the offset applied otherwise.
  const typedDay = value.slice(0, 10);
  const offset = /([+-])(\d{2}):?(\d{2})$/.exec(value);
  const shift = offset
    ? (offset[1] === '+' ? 1 : -1) * (Number(offset[2]) * 60 + Number(offset[3])) * 60_000
    : 0;
  return new Date(date.getTime() + shift).toISOString().startsWith(typedDay) ? date : null;
}

/** Text with at least one visible character (a name made of spaces is no name). */
export const IsNotBlank = (): PropertyDecorator =>
  Matches(/\S/, { message: '$property must not be empty or only spaces' });
