import { parsePhoneNumberWithError, ParseError } from 'libphonenumber-js/max';

/**
 * Normalises a phone number typed by a person into E.164. Spaces, dots, dashes and parentheses
 * are allowed, but the number must carry its country code: a CRM shared across countries cannot
 * guess it. Uses the "max" metadata, which checks number ranges and not only lengths.
 */
export type PhoneResult = { ok: true; e164: string } | { ok: false; reason: string };

const ALLOWED_CHARS = /^[+0-9 .\-()\u00a0]+$/;

export function normalizePhone(raw: string): PhoneResult {
  const input = raw.trim();
  if (!ALLOWED_CHARS.test(input)) {
    return {
      ok: false,
      reason: `'${raw}' contains characters other than digits, spaces, dots, dashes and parentheses`,
    };
  }
  const compact = input.replace(/[\s.\-()\u00a0]/g, '');
  if (!compact.startsWith('+') && !compact.startsWith('00')) {
    return {
      ok: false,
      reason: `'${raw}' has no country code (expected e.g. +33 6 12 34 56 78)`,
    };
  }
  const international = compact.startsWith('00') ? '+' + compact.slice(2) : compact;
  if (international.lastIndexOf('+') !== 0) {
    return { ok: false, reason: `'${raw}' has a '+' that is not at the start` };
  }
  try {
    const parsed = parsePhoneNumberWithError(international);
    if (!parsed.isValid()) {
      return { ok: false, reason: `'${raw}' is not a valid phone number for its country` };
    }
    return { ok: true, e164: parsed.number };
  } catch (error) {
    const detail = error instanceof ParseError ? error.message : 'unparseable';
    return { ok: false, reason: `'${raw}' is not a phone number (${describeParseError(detail)})` };
  }
}

function describeParseError(code: string): string {
  switch (code) {
    case 'INVALID_COUNTRY':
      return 'unknown country code';
    case 'TOO_SHORT':
      return 'too short';
    case 'TOO_LONG':
      return 'too long';
    case 'NOT_A_NUMBER':
      return 'not a number';
    default:
      return code.toLowerCase().replace(/_/g, ' ');
  }
}
