import type { Request } from 'express';
import type { Page } from '../../services/pagination';

/** Query parameters as single strings (a repeated parameter keeps its first value). */
export function stringQuery(req: Request): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.query)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string') {
      out[key] = first;
    }
  }
  return out;
}

/** Links to the previous and next pages, keeping the other query parameters. */
export function pagination<T>(req: Request, page: Page<T>) {
  const pages = Math.max(1, Math.ceil(page.total / page.per_page));
  const link = (n: number) => {
    const params = new URLSearchParams(stringQuery(req));
    params.set('page', String(n));
    return `${req.path}?${params.toString()}`;
  };
  return {
    page: page.page,
    pages,
    total: page.total,
    prev: page.page > 1 ? link(page.page - 1) : null,
    next: page.page < pages ? link(page.page + 1) : null,
  };
}

/** Form fields as strings; checkboxes become booleans where asked. */
export function formFields(body: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (body && typeof body === 'object') {
    for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
      if (typeof value === 'string' && key !== '_csrf') {
        out[key] = value;
      }
    }
  }
  return out;
}
