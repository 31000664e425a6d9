import { createHmac, timingSafeEqual } from 'node:crypto';

/*
 * Twilio request signatures (X-Twilio-Signature), per "Secure webhooks"
 * (https://www.twilio.com/docs/usage/webhooks/webhooks-security) and Twilio's own validator,
 * twilio-node src/webhooks/webhooks.ts (getExpectedTwilioSignature, validateRequest):
 * - data = the full URL Twilio requested (scheme, host, path and query string, exactly as
 *   configured: no re-encoding), then for each POST parameter sorted by name, name + value with
 *   no delimiters;
 * - a name sent several times contributes each distinct value once, values sorted
 *   (twilio-node toFormUrlEncodedParam: Array.from(new Set(values)).sort(); twilio-python
 *   RequestValidator.compute_signature: sorted(set(values)));
 * - signature = base64(HMAC-SHA1(key = auth token, data as UTF-8)).
 * Twilio's back end is "inconsistent" about explicit default ports (twilio-node's words), so a
 * signature is accepted for the URL as given, with the default port added, or with the port
 * removed — as twilio-node's validateRequest does.
 * Names sort by UTF-16 code unit, which for Twilio's ASCII parameter names is the byte order
 * ("Unix-style case-sensitive" sorting) the documentation asks for.
 */

export type TwilioParams = Record<string, string | string[]>;

export type SignatureCheck = 'ok' | 'missing' | 'invalid';

/** base64(HMAC-SHA1(authToken, url + concatenation of key+value of the POST params sorted by key)); for repeated keys, Twilio's rule (check docs). */
export function twilioSignature(authToken: string, url: string, params: TwilioParams): string {
  let data = url;
  for (const key of Object.keys(params).sort()) {
    const value = params[key];
    if (Array.isArray(value)) {
      for (const item of [...new Set(value)].sort()) {
        data += key + item;
      }
    } else {
      data += key + value;
    }
  }
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

/** Constant-time comparison (crypto.timingSafeEqual over equal-length buffers; different lengths → false without early exit on content). */
export function verifyTwilioSignature(
  authToken: string,
  url: string,
  params: TwilioParams,
  header: string | undefined,
): SignatureCheck {
  if (!authToken) {
    // Every request would be rejected, or worse, signed with an empty key: a configuration error.
    throw new Error('verifyTwilioSignature: the auth token is empty (check TWILIO_AUTH_TOKEN)');
  }
  const given = header?.trim();
  if (!given) {
    return 'missing';
  }
  const givenBytes = Buffer.from(given, 'utf8');
  // Every variant is compared, so the time taken does not tell which one (or none) matched.
  let matched = false;
  for (const candidate of urlVariants(url)) {
    const expected = Buffer.from(twilioSignature(authToken, candidate, params), 'utf8');
    matched = constantTimeEqual(expected, givenBytes) || matched;
  }
  return matched ? 'ok' : 'invalid';
}

/** Constant-time token comparison for providers without signatures (secret token in the webhook URL). */
export function tokensEqual(expected: string, given: string | undefined): boolean {
  if (expected === '') {
    // An empty secret would let an empty token in: never authenticate with it.
    return false;
  }
  return constantTimeEqual(Buffer.from(expected, 'utf8'), Buffer.from(given ?? '', 'utf8'));
}

/**
 * timingSafeEqual needs buffers of equal length. When the lengths differ the expected value is
 * compared with itself, so the work done depends only on the expected length and never on where
 * (or whether) the given value differs.
 */
function constantTimeEqual(expected: Buffer, given: Buffer): boolean {
  const sameLength = expected.length === given.length;
  const equal = timingSafeEqual(expected, sameLength ? given : expected);
  return sameLength && equal;
}

const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443' };

/** The URL as given, plus the same with the default port added, or with its port removed. */
function urlVariants(url: string): string[] {
  const match = /^([a-z][a-z0-9+.-]*:)\/\/([^/?#]*)(.*)$/is.exec(url);
  if (!match) {
    return [url];
  }
  const [, scheme, authority, rest] = match;
  const at = authority.lastIndexOf('@');
  const userInfo = at >= 0 ? authority.slice(0, at + 1) : '';
  const hostPort = authority.slice(at + 1);
  const portMatch = /^(.*?)(?::(\d*))?$/.exec(hostPort);
  const host = portMatch?.[1] ?? hostPort;
  const port = portMatch?.[2];
  const prefix = `${scheme}//${userInfo}${host}`;
  const defaultPort = DEFAULT_PORTS[scheme.toLowerCase()];
  const variants = [url];
  if (port !== undefined) {
    variants.push(`${prefix}${rest}`);
  } else if (defaultPort) {
    variants.push(`${prefix}:${defaultPort}${rest}`);
  }
  return variants;
}
