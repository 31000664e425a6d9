import { validationFailed } from '../errors/domain-error';
import type { ErrorDetail } from '../errors/domain-error';

export const DEFAULT_PER_PAGE = 20;
export const MAX_PER_PAGE = 200;

export interface PageRequest {
  page: number;
  per_page: number;
}

export interface Page<T> {
  data: T[];
  total: number;
  page: number;
  per_page: number;
}

function positiveInt(raw: string | undefined, field: string, max: number, errors: ErrorDetail[]) {
  if (raw === undefined) {
    return undefined;
  }
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < 1 || value > max) {
    errors.push({ field, message: `'${raw}' must be a whole number from 1 to ${max}` });
    return undefined;
  }
  return value;
}

/** Reads `page` and `per_page` from a query, removing them so the rest can be checked as filters. */
export function takePageRequest(query: Record<string, string>): PageRequest {
  const errors: ErrorDetail[] = [];
  const page = positiveInt(query.page, 'page', 1_000_000, errors) ?? 1;
  const perPage = positiveInt(query.per_page, 'per_page', MAX_PER_PAGE, errors) ?? DEFAULT_PER_PAGE;
  delete query.page;
  delete query.per_page;
  if (errors.length > 0) {
    throw validationFailed(errors);
  }
  return { page, per_page: perPage };
}

export function offsetOf(request: PageRequest): number {
  return (request.page - 1) * request.per_page;
}
