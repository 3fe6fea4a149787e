import { createHmac, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import type { VerificationKey } from '../keys/key-ring.js';
import { asymmetricSigning } from './sign-jwt.js';

/** The parts of a compact JWS (RFC 7515 §7.1), decoded but not yet verified. */
export interface DecodedJws {
  readonly token: string;
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

/**
 * Tokens whose signature was checked, with the key that checked it: a resource server presents
 * the same access token many times, and an ECDSA verification costs three signatures' worth of
 * CPU. Only valid signatures get in, so made-up tokens cannot fill it; the oldest go first.
 */
const verified = new Map<string, { readonly jws: DecodedJws; readonly key: KeyObject }>();
const verifiedMax = 5000;

/** A compact JWS split and decoded, or null when it is not one (wrong segment count, bad JSON). */
export function decodeJws(jws: string): DecodedJws | null {
  const known = verified.get(jws);
  if (known) return known.jws;
  const first = jws.indexOf('.');
  const second = jws.indexOf('.', first + 1);
  if (first < 0 || second < 0 || jws.indexOf('.', second + 1) >= 0) return null;
  const header = decodeJson(jws.slice(0, first));
  const payload = decodeJson(jws.slice(first + 1, second));
  if (!header || !payload) return null;
  return { token: jws, header, payload, signingInput: jws.slice(0, second), signature: Buffer.from(jws.slice(second + 1), 'base64url') };
}

function checkSignature(jws: DecodedJws, key: VerificationKey): boolean {
  if (jws.header['alg'] !== key.alg || jws.header['crit'] !== undefined) return false;
  if (key.alg === 'HS256') {
    const expected = createHmac('sha256', key.key).update(jws.signingInput).digest();
    return expected.length === jws.signature.length && timingSafeEqual(expected, jws.signature);
  }
  try {
    const signing = asymmetricSigning(key.alg, key.key);
    return verify(signing.digest, Buffer.from(jws.signingInput), signing.key, jws.signature);
  } catch {
    return false;
  }
}

/**
 * Whether `jws` was signed with `key`: the header names exactly the key's algorithm (never `none`,
 * never HMAC with a public key), no critical extensions (RFC 7515 §4.1.11), and the signature
 * checks out. The counterpart of `signJwt`, for tokens this server issued: synchronous node:crypto
 * with a key imported once, as on the signing side (DESIGN.md §8). Claims are the caller's to check.
 */
export function hasValidSignature(jws: DecodedJws, key: VerificationKey): boolean {
  // The same key object: a retired or rotated-away key is no longer handed out, so its tokens miss.
  if (verified.get(jws.token)?.key === key.key) return true;
  if (!checkSignature(jws, key)) return false;
  if (verified.size >= verifiedMax) verified.delete(verified.keys().next().value!);
  verified.set(jws.token, { jws, key: key.key });
  return true;
}
