import { createHmac, sign, type KeyObject } from 'node:crypto';
import type { JWTPayload } from 'jose';
import type { SigningKey } from '../keys/key-ring.js';

const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

// node:crypto names of the digest each JWS algorithm uses (RFC 7518 §3); EdDSA hashes internally.
const digestOf: Readonly<Record<SigningKey['alg'], string | null>> = {
  HS256: 'sha256',
  RS256: 'sha256',
  ES256: 'sha256',
  ES384: 'sha384',
  ES512: 'sha512',
  EdDSA: null,
};

/**
 * The arguments node:crypto's one-shot `sign` and `verify` take for an asymmetric JWS algorithm:
 * its digest, and the key with ECDSA signatures as R || S, not DER (RFC 7518 §3.4).
 */
export function asymmetricSigning(alg: Exclude<SigningKey['alg'], 'HS256'>, key: KeyObject) {
  return { digest: digestOf[alg], key: alg.startsWith('ES') ? { key, dsaEncoding: 'ieee-p1363' as const } : key };
}

function signature(alg: SigningKey['alg'], key: KeyObject, input: string): Buffer {
  if (alg === 'HS256') return createHmac('sha256', key).update(input).digest();
  const signing = asymmetricSigning(alg, key);
  return sign(signing.digest, Buffer.from(input), signing.key);
}

// The encoded header of each key and type: the same few bytes on every token.
const headers = new Map<string, string>();
function encodedHeader(key: SigningKey, typ: string): string {
  const id = `${key.alg} ${typ} ${key.kid ?? ''}`;
  let header = headers.get(id);
  if (header === undefined) {
    header = encode({ alg: key.alg, typ, ...(key.kid ? { kid: key.kid } : {}) });
    headers.set(id, header);
  }
  return header;
}

/**
 * Signs `payload` as a compact JWS with the key's algorithm and `kid` (RFC 7515 §7.1).
 * Synchronous node:crypto with a key imported once: on the token endpoint's hot path this costs
 * about a third of jose's WebCrypto signing (DESIGN.md §8). `verifyJws` checks them the same way.
 */
export function signJwt(payload: JWTPayload, key: SigningKey, typ: 'JWT' | 'at+jwt' | 'logout+jwt'): string {
  const input = `${encodedHeader(key, typ)}.${encode(payload)}`;
  return `${input}.${signature(key.alg, key.key, input).toString('base64url')}`;
}
