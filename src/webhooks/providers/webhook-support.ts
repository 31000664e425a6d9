import type { IgnoredWebhookEntry, ProviderWebhooksOptions, WebhookRequest } from './types';
import { WebhookPayloadError } from './types';

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Shape of a value for error messages: keys and types, never values, because webhook bodies hold
 * phone numbers and message texts that must not end up in logs.
 */
export function shapeOf(value: unknown): string {
  if (Array.isArray(value)) {
    return `an array of ${value.length}`;
  }
  if (isRecord(value)) {
    const keys = Object.keys(value);
    if (keys.length === 0) {
      return 'an empty object';
    }
    const shown = keys.slice(0, 12).join(', ');
    return `an object with keys ${shown}${keys.length > 12 ? ', …' : ''}`;
  }
  if (typeof value === 'string') {
    return `a string of ${value.length} characters`;
  }
  return value === null ? 'null' : typeof value;
}

/** Provider status words and codes are not personal data: quote them, shortened. */
export function quote(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const flat = (text ?? String(value)).replace(/\s+/g, ' ');
  return `'${flat.length > 60 ? `${flat.slice(0, 60)}…` : flat}'`;
}

function rawText(req: WebhookRequest): string | undefined {
  if (typeof req.body === 'string') {
    return req.body;
  }
  if (Buffer.isBuffer(req.body)) {
    return req.body.toString('utf8');
  }
  const unparsed =
    req.body === undefined || req.body === null || (isRecord(req.body) && isEmpty(req.body));
  return unparsed && typeof req.rawBody === 'string' && req.rawBody !== ''
    ? req.rawBody
    : undefined;
}

function isEmpty(record: Record<string, unknown>): boolean {
  return Object.keys(record).length === 0;
}

/**
 * The JSON body, whether the route parsed it (express.json) or kept it as text. An unparsed body
 * that is not JSON is the caller's error, reported with `where` (e.g. 'clickatell status callback').
 */
export function readJsonBody(req: WebhookRequest, where: string): unknown {
  const text = rawText(req);
  if (text === undefined) {
    return req.body;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new WebhookPayloadError(
      `${where}: the body is not JSON (${text.trim() === '' ? 'empty body' : `${text.length} characters that do not parse`})`,
      { cause: error },
    );
  }
}

export type FormParams = Record<string, string | string[]>;

/**
 * The form fields of an application/x-www-form-urlencoded body, parsed by the route
 * (express.urlencoded) or, when it was kept as text, here. Repeated keys give arrays, as
 * express.urlencoded({ extended: false }) does.
 */
export function readFormBody(req: WebhookRequest, where: string): FormParams {
  const text = rawText(req);
  if (text !== undefined) {
    const params: FormParams = {};
    for (const [key, value] of new URLSearchParams(text)) {
      const previous = params[key];
      params[key] =
        previous === undefined
          ? value
          : Array.isArray(previous)
            ? [...previous, value]
            : [previous, value];
    }
    return params;
  }
  if (!isRecord(req.body)) {
    throw new WebhookPayloadError(`${where}: expected form fields, got ${shapeOf(req.body)}`);
  }
  const params: FormParams = {};
  for (const [key, value] of Object.entries(req.body)) {
    if (typeof value === 'string') {
      params[key] = value;
    } else if (Array.isArray(value) && value.every((item) => typeof item === 'string')) {
      params[key] = value as string[];
    } else if (typeof value === 'number' || typeof value === 'boolean') {
      params[key] = String(value);
    } else {
      throw new WebhookPayloadError(
        `${where}: form field ${key} is ${shapeOf(value)}, expected text`,
      );
    }
  }
  return params;
}

/** One form field; a field sent twice is ambiguous, so it is an error rather than a guess. */
export function formField(params: FormParams, key: string, where: string): string | undefined {
  const value = params[key];
  if (Array.isArray(value)) {
    throw new WebhookPayloadError(`${where}: form field ${key} appears ${value.length} times`);
  }
  return value;
}

/** A non-empty string or number field (ids arrive as either), trimmed; undefined when absent. */
export function textField(
  record: Record<string, unknown>,
  key: string,
  where: string,
): string | undefined {
  const value = record[key];
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value === 'number' && Number.isFinite(value)) {
    return String(value);
  }
  if (typeof value !== 'string') {
    throw new WebhookPayloadError(`${where}: ${key} is ${shapeOf(value)}, expected text`);
  }
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

export function requiredText(record: Record<string, unknown>, key: string, where: string): string {
  const value = textField(record, key, where);
  if (value === undefined) {
    throw new WebhookPayloadError(`${where}: ${key} is missing (got ${shapeOf(record)})`);
  }
  return value;
}

/**
 * Phone numbers as E.164. Clickatell and BulkSMS send international numbers without the '+'
 * ('33612345678'); '00' prefixes are the same thing. Anything else (short codes, alphanumeric
 * sender ids, 'whatsapp:+…') is kept as received: adding a '+' to it would invent a number.
 */
export function normalizeMsisdn(raw: string): string {
  const value = raw.trim();
  if (/^\+[1-9]\d{6,14}$/.test(value)) {
    return value;
  }
  if (/^00[1-9]\d{6,14}$/.test(value)) {
    return `+${value.slice(2)}`;
  }
  if (/^[1-9]\d{6,14}$/.test(value)) {
    return `+${value}`;
  }
  return value;
}

// Epoch values below this are seconds, above it milliseconds: 1e11 s is the year 5138, 1e11 ms
// is 1973, so no plausible timestamp is ambiguous.
const MS_THRESHOLD = 1e11;
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * A provider timestamp: epoch seconds or milliseconds (number or digits), or ISO 8601 with a zone.
 * A time without a zone is not an instant, so it gives null rather than a guess.
 */
export function parseInstant(value: unknown): Date | null {
  let date: Date | null = null;
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) {
    date = new Date(value >= MS_THRESHOLD ? value : value * 1000);
  } else if (typeof value === 'string') {
    const text = value.trim();
    if (/^\d{9,16}$/.test(text)) {
      return parseInstant(Number(text));
    }
    if (ISO_WITH_ZONE.test(text)) {
      date = new Date(text);
    }
  }
  return date !== null && !Number.isNaN(date.getTime()) ? date : null;
}

/** Header value, case-insensitively (node lowercases names, hand-built requests may not). */
export function headerValue(req: WebhookRequest, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(req.headers)) {
    if (key.toLowerCase() === wanted) {
      return Array.isArray(value) ? value[0] : value;
    }
  }
  return undefined;
}

export function reportIgnored(
  options: ProviderWebhooksOptions | undefined,
  entry: IgnoredWebhookEntry,
): void {
  options?.onIgnored?.(entry);
}
