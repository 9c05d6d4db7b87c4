import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Org tokens: `kr_` followed by 32 random bytes in base64url (43 characters). The prefix
 * lets operators and secret scanners recognize a leaked token. Only the SHA-256 hash is
 * stored. A plain hash is enough because the token has 256 bits of entropy: salting or
 * key stretching would not make guessing it any harder.
 */

export const ORG_TOKEN_PREFIX = 'kr_';

const TOKEN_PATTERN = /^kr_[A-Za-z0-9_-]{43}$/;

export function generateOrgToken(): string {
  return ORG_TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** Returns whether the text has the shape of an org token, without checking that the token exists. */
export function isOrgTokenFormat(text: string): boolean {
  return TOKEN_PATTERN.test(text);
}

/** Returns the SHA-256 of the token as lowercase hex: what the org_tokens table stores. */
export function hashOrgToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Compares two hex hashes in constant time. */
export function tokenHashesEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}
