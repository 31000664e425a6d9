import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { normalizePhone } from '../domain/phone-number';
import type { RecordModuleDefinition } from '../domain/record-modules';
import { validationFailed } from '../errors/domain-error';
import type { ErrorDetail } from '../errors/domain-error';

/** A validated filter over a record module: free text plus exact field matches. */
export interface RecordFilter {
  q?: string;
  equals: Record<string, string | boolean | null>;
}

const MAX_FILTER_LENGTH = 200;

/**
 * Checks a filter coming from a query string (all strings) or a JSON body (booleans allowed).
 * Unknown fields are refused; phone filters are normalised to E.164 so they match stored values;
 * an empty value (`?email=`) matches records where the field is empty.
 */
export function parseRecordFilter(
  def: RecordModuleDefinition,
  input: Record<string, unknown>,
  fieldPrefix = '',
): RecordFilter {
  const errors: ErrorDetail[] = [];
  const filter: RecordFilter = { equals: {} };
  const known = new Set(def.fields.map((f) => f.name));
  for (const [key, raw] of Object.entries(input)) {
    const field = fieldPrefix + key;
    if (key === 'q') {
      if (typeof raw !== 'string' || raw.length > MAX_FILTER_LENGTH) {
        errors.push({ field, message: `must be text of at most ${MAX_FILTER_LENGTH} characters` });
      } else if (raw.trim() !== '') {
        filter.q = raw.trim();
      }
      continue;
    }
    if (!known.has(key)) {
      errors.push({
        field,
        message: `is not a filter of ${def.module}; use one of q, ${[...known].join(', ')}`,
      });
      continue;
    }
    if (key === 'sms_opt_in') {
      if (raw === true || raw === 'true' || raw === '1') {
        filter.equals[key] = true;
      } else if (raw === false || raw === 'false' || raw === '0') {
        filter.equals[key] = false;
      } else {
        errors.push({ field, message: `'${String(raw)}' must be true or false` });
      }
      continue;
    }
    if (raw !== null && typeof raw !== 'string') {
      errors.push({ field, message: 'must be text' });
      continue;
    }
    if (raw === null || raw.trim() === '') {
      filter.equals[key] = null;
      continue;
    }
    if (raw.length > MAX_FILTER_LENGTH) {
      errors.push({ field, message: `must be at most ${MAX_FILTER_LENGTH} characters` });
      continue;
    }
    if (key === def.phoneField) {
      const phone = normalizePhone(raw);
      if (!phone.ok) {
        errors.push({ field, message: phone.reason });
        continue;
      }
      filter.equals[key] = phone.e164;
      continue;
    }
    filter.equals[key] = raw.trim();
  }
  if (errors.length > 0) {
    throw validationFailed(errors);
  }
  return filter;
}

/** LIKE with '!' as the escape character: the same spelling works on SQLite and MySQL. */
export function likeContains(text: string): string {
  return '%' + text.replace(/[!%_]/g, (c) => '!' + c) + '%';
}

/** Adds a filter's conditions to a query over the module's table (alias `r`), parameterised. */
export function applyRecordFilter<T extends ObjectLiteral>(
  query: SelectQueryBuilder<T>,
  def: RecordModuleDefinition,
  filter: RecordFilter,
): SelectQueryBuilder<T> {
  let index = 0;
  for (const [field, value] of Object.entries(filter.equals)) {
    // Field names come from the module definition (checked above), never from the request.
    const param = `f${index++}`;
    if (value === null) {
      query.andWhere(`(r.${field} IS NULL OR r.${field} = '')`);
    } else {
      query.andWhere(`r.${field} = :${param}`, { [param]: value });
    }
  }
  if (filter.q !== undefined) {
    const ors = def.searchFields.map((f) => `r.${f} LIKE :q ESCAPE '!'`).join(' OR ');
    query.andWhere(`(${ors})`, { q: likeContains(filter.q) });
  }
  return query;
}
