import { normalizePhone } from '../domain/phone-number';
import { validationFailed } from '../errors/domain-error';
import type { ErrorDetail } from '../errors/domain-error';
import { parseDateTime } from './dtos/validators';

/**
 * A checked reader for query-string parameters: every parameter must be read by the route,
 * so a misspelt filter is refused instead of silently ignored.
 */
export class QueryParams {
  private readonly errors: ErrorDetail[] = [];
  private readonly seen = new Set<string>();

  constructor(private readonly query: Record<string, string>) {}

  text(name: string, maxLength = 200): string | undefined {
    const value = this.take(name);
    if (value === undefined || value.trim() === '') {
      return undefined;
    }
    if (value.length > maxLength) {
      this.errors.push({ field: name, message: `must be at most ${maxLength} characters` });
      return undefined;
    }
    return value.trim();
  }

  oneOf<T extends string>(name: string, allowed: readonly T[]): T | undefined {
    const value = this.text(name);
    if (value !== undefined && !allowed.includes(value as T)) {
      this.errors.push({ field: name, message: `'${value}' must be one of ${allowed.join(', ')}` });
      return undefined;
    }
    return value as T | undefined;
  }

  /** A comma-separated list of allowed values: `status=sent,delivered`. */
  listOf<T extends string>(name: string, allowed: readonly T[]): T[] | undefined {
    const value = this.text(name, 500);
    if (value === undefined) {
      return undefined;
    }
    const items = value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const bad = items.filter((item) => !allowed.includes(item as T));
    if (bad.length > 0) {
      this.errors.push({
        field: name,
        message: `'${bad.join(', ')}' must be among ${allowed.join(', ')}`,
      });
      return undefined;
    }
    return items as T[];
  }

  /** A date-time with zone, or a plain date (the start of that day in UTC, or its end if `endOfDay`). */
  instant(name: string, endOfDay = false): Date | undefined {
    const value = this.text(name);
    if (value === undefined) {
      return undefined;
    }
    if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
      const day = new Date(value + 'T00:00:00.000Z');
      // Date rolls 2026-02-30 over to 2 March; a day that does not exist is refused instead.
      if (!Number.isNaN(day.getTime()) && day.toISOString().startsWith(value)) {
        return endOfDay ? new Date(day.getTime() + 86_400_000 - 1) : day;
      }
    }
    const date = parseDateTime(value);
    if (date === null) {
      this.errors.push({
        field: name,
        message: `'${value}' must be a date (2026-11-24) or an ISO 8601 date-time with a time zone`,
      });
      return undefined;
    }
    return date;
  }

  phone(name: string): string | undefined {
    const value = this.text(name, 40);
    if (value === undefined) {
      return undefined;
    }
    const phone = normalizePhone(value);
    if (!phone.ok) {
      this.errors.push({ field: name, message: phone.reason });
      return undefined;
    }
    return phone.e164;
  }

  /** Throws validation_failed listing bad values and parameters nobody read. */
  done(): void {
    for (const name of Object.keys(this.query)) {
      if (!this.seen.has(name)) {
        this.errors.push({ field: name, message: 'is not a known parameter' });
      }
    }
    if (this.errors.length > 0) {
      throw validationFailed(this.errors);
    }
  }

  private take(name: string): string | undefined {
    this.seen.add(name);
    return this.query[name];
  }
}
