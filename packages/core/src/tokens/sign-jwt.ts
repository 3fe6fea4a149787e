import { SignJWT, type JWTPayload } from 'jose';
import type { SigningKey } from '../keys/key-ring.js';

/** Signs `payload` as a compact JWS with the key's algorithm and `kid` (RFC 7515). */
export function signJwt(payload: JWTPayload, key: SigningKey, typ: 'JWT' | 'at+jwt' | 'logout+jwt'): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg: key.alg, typ, ...(key.kid ? { kid: key.kid } : {}) }).sign(key.key);
}
