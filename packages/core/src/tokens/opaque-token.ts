import { createHash, randomFillSync, timingSafeEqual } from 'node:crypto';

// Entropy drawn from the CSPRNG a few kilobytes at a time, as node's randomUUID does: one
// randomFillSync per token was a visible share of the token endpoint. Every byte is used once.
const poolSize = 4096;
const pool = Buffer.alloc(poolSize);
let poolOffset = poolSize;

/** A URL-safe random value with `bytes` bytes of entropy (32 → 256 bits). */
export function randomToken(bytes = 32): string {
  if (bytes > poolSize) return randomFillSync(Buffer.alloc(bytes)).toString('base64url');
  if (poolOffset + bytes > poolSize) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const token = pool.toString('base64url', poolOffset, poolOffset + bytes);
  // Spent bytes are overwritten at once: a token never lingers in the pool.
  pool.fill(0, poolOffset, poolOffset + bytes);
  poolOffset += bytes;
  return token;
}

/** The handle under which a secret value is stored: SHA-256, base64url. Never store the value itself. */
export function digestToken(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

/** Compares a presented secret with a stored digest in constant time. */
export function matchesDigest(value: string, digest: string): boolean {
  const presented = createHash('sha256').update(value).digest();
  const expected = Buffer.from(digest, 'base64url');
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}
