import { createHash, randomBytes } from 'node:crypto';

const TOKEN_PREFIX = 'crmsms_';

/** A new API token: 256 random bits, prefixed so leaked tokens are easy to recognise. */
export function generateApiToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/**
 * Tokens are high-entropy, so a fast hash is enough (unlike passwords) and lets the token be
 * looked up by its hash with an index.
 */
export function hashApiToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
