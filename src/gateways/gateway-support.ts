import { GatewayError } from './sms-gateway';

/** Non-secret facts about a configured gateway, for logs and the admin UI. */
export interface GatewayDescription {
  name: string;
  /** Origin and path only: never credentials, never a query string. */
  baseUrl: string | null;
  /** The sender the provider will show (number, alphanumeric id or messaging service), if set. */
  sender: string | null;
}

/** Gateways that can describe themselves without revealing credentials. */
export interface DescribableGateway {
  describe(): GatewayDescription;
}

/** Where gateways write their one-line events; fields never hold secrets or message bodies. */
export type GatewayLogger = (message: string, fields: Record<string, unknown>) => void;

/** +33612345678 → +3361234****: enough to recognise a number in logs, not enough to dial it. */
export function maskPhone(phone: string): string {
  const visible = phone.length > 8 ? phone.length - 4 : Math.min(phone.length, 3);
  return phone.slice(0, visible) + '*'.repeat(phone.length - visible);
}

/** Parses a provider's answer as JSON; null when it is empty or not JSON (HTML error pages…). */
export function parseJson(text: string): unknown {
  if (text.trim() === '') {
    return null;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A provider-supplied text, shortened so a huge HTML error page cannot flood a log line. */
export function excerpt(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

/** Origin + path of a URL, dropping user:password@ and the query string (both may hold keys). */
export function publicUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname === '/' ? '' : parsed.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

/**
 * The default reading of an HTTP status when the provider's own code says nothing more:
 * 408, 429 and 5xx mean the provider did not take the message (retry), anything else that is
 * not 2xx is a refusal that retrying cannot change.
 */
export function errorForHttpStatus(
  gateway: string,
  status: number,
  details: { code?: string; message?: string; retryAfterMs?: number; optOut?: boolean } = {},
): GatewayError {
  const code = details.code ?? `http_${status}`;
  const reason = details.message ? `: ${details.message}` : '';
  const codePart = details.code ? ` (${details.code})` : '';
  const message = `${gateway} answered HTTP ${status}${codePart}${reason}`;
  if (status === 408 || status === 429 || status >= 500) {
    return new GatewayError('transient', code, message, {
      httpStatus: status,
      retryAfterMs: details.retryAfterMs,
    });
  }
  return new GatewayError('permanent', code, message, {
    httpStatus: status,
    optOut: details.optOut,
  });
}
