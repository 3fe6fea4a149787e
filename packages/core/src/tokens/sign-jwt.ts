import { createHmac, sign, type KeyObject } from 'node:crypto';
import type { JWTPayload } from 'jose';
import type { SigningKey } from '../keys/key-ring.js';

const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

// node:crypto names of the digest each JWS algorithm uses (RFC 7518 §3); EdDSA hashes internally.
export const digestOf: Readonly<Record<SigningKey['alg'], string | null>> = {
  HS256: 'sha256',
  RS256: 'sha256',
  ES256: 'sha256',
  ES384: 'sha384',
  ES512: 'sha512',
  EdDSA: null,
};

function signature(alg: SigningKey['alg'], key: KeyObject, input: string): Buffer {
  if (alg === 'HS256') return createHmac('sha256', key).update(input).digest();
  // RFC 7518 §3.4: ECDSA signatures are R || S, not DER.
  return sign(digestOf[alg], Buffer.from(input), alg.startsWith('ES') ? { key, dsaEncoding: 'ieee-p1363' } : key);
}

/**
 * Signs `payload` as a compact JWS with the key's algorithm and `kid` (RFC 7515 §7.1).
 * Synchronous node:crypto with a key imported once: on the token endpoint's hot path this costs
 * about a third of jose's WebCrypto signing (DESIGN.md §8). `verifyJws` checks them the same way.
 */
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

export function signJwt(payload: JWTPayload, key: SigningKey, typ: 'JWT' | 'at+jwt' | 'logout+jwt'): string {
  const input = `${encodedHeader(key, typ)}.${encode(payload)}`;
  return `${input}.${signature(key.alg, key.key, input).toString('base64url')}`;
}
