import { createHmac, timingSafeEqual, verify } from 'node:crypto';
import type { VerificationKey } from '../keys/key-ring.js';
import { digestOf } from './sign-jwt.js';

/** The parts of a compact JWS (RFC 7515 §7.1), decoded but not yet verified. */
export interface DecodedJws {
  readonly header: Readonly<Record<string, unknown>>;
  readonly payload: Readonly<Record<string, unknown>>;
  /** `header.payload` as sent: what the signature covers. */
  readonly signingInput: string;
  readonly signature: Buffer;
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

function decodeJson(segment: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return isObject(value) ? value : null;
  } catch {
    return null;
  }
}

/** A compact JWS split and decoded, or null when it is not one (wrong segment count, bad JSON). */
export function decodeJws(jws: string): DecodedJws | null {
  const first = jws.indexOf('.');
  const second = jws.indexOf('.', first + 1);
  if (first < 0 || second < 0 || jws.indexOf('.', second + 1) >= 0) return null;
  const header = decodeJson(jws.slice(0, first));
  const payload = decodeJson(jws.slice(first + 1, second));
  if (!header || !payload) return null;
  return { header, payload, signingInput: jws.slice(0, second), signature: Buffer.from(jws.slice(second + 1), 'base64url') };
}

/**
 * Whether `jws` was signed with `key`: the header names exactly the key's algorithm (never `none`,
 * never HMAC with a public key), no critical extensions (RFC 7515 §4.1.11), and the signature
 * checks out. The counterpart of `signJwt`, for tokens this server issued: synchronous node:crypto
 * with a key imported once, as on the signing side (DESIGN.md §8). Claims are the caller's to check.
 */
export function hasValidSignature(jws: DecodedJws, key: VerificationKey): boolean {
  if (jws.header['alg'] !== key.alg || jws.header['crit'] !== undefined) return false;
  if (key.alg === 'HS256') {
    const expected = createHmac('sha256', key.key).update(jws.signingInput).digest();
    return expected.length === jws.signature.length && timingSafeEqual(expected, jws.signature);
  }
  try {
    const input = Buffer.from(jws.signingInput);
    return verify(digestOf[key.alg], input, key.alg.startsWith('ES') ? { key: key.key, dsaEncoding: 'ieee-p1363' } : key.key, jws.signature);
  } catch {
    return false;
  }
}
