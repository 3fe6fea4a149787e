import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A URL-safe random value with `bytes` bytes of entropy (32 → 256 bits). */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** The handle under which a secret value is stored: SHA-256, base64url. Never store the value itself. */
export function digestToken(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

/** Compares a presented secret with a stored digest in constant time. */
export function matchesDigest(value: string, digest: string): boolean {
  const presented = Buffer.from(digestToken(value));
  const expected = Buffer.from(digest);
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}
