/**
 * Independent JOSE checks for end-to-end tests, written against node:crypto and the RFCs rather
 * than the library the server signs and encrypts with (jose): a token that only the same library
 * could read would prove little.
 */
import {
  constants,
  createDecipheriv,
  createHash,
  createHmac,
  createPublicKey,
  privateDecrypt,
  timingSafeEqual,
  verify,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';

export interface PublicJwk extends JsonWebKey {
  readonly kid?: string;
  readonly use?: string;
  readonly alg?: string;
}

export interface Jwks {
  readonly keys: readonly PublicJwk[];
}

const segment = (token: string, index: number): Record<string, unknown> => {
  const part = token.split('.')[index];
  if (part === undefined) throw new Error(`token has no segment ${index}`);
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
};

/** The protected header of a compact JWS or JWE. */
export const protectedHeader = (token: string): Record<string, unknown> => segment(token, 0);

/** The payload of a compact JWS, unverified. */
export const unverifiedClaims = (jwt: string): Record<string, unknown> => segment(jwt, 1);

export async function fetchJwks(url: string): Promise<Jwks> {
  const response = await fetch(url);
  if (response.status !== 200) throw new Error(`JWKS at ${url}: HTTP ${response.status}`);
  return (await response.json()) as Jwks;
}

// RFC 7518 §3.1 and RFC 8037 §3.1: the key type (and curve) each algorithm signs with.
const expectations: Readonly<Record<string, { readonly kty: string; readonly crv?: string; readonly hash: string | null }>> = {
  RS256: { kty: 'RSA', hash: 'sha256' },
  ES256: { kty: 'EC', crv: 'P-256', hash: 'sha256' },
  ES384: { kty: 'EC', crv: 'P-384', hash: 'sha384' },
  ES512: { kty: 'EC', crv: 'P-521', hash: 'sha512' },
  EdDSA: { kty: 'OKP', crv: 'Ed25519', hash: null },
};

/**
 * Verifies a compact JWS with the JWKS key its header names (`kid`), the way a relying party
 * does; throws unless the key exists, fits the algorithm and the signature verifies.
 * Returns the claims.
 */
export function verifyWithJwks(jwt: string, jwks: Jwks): Record<string, unknown> {
  const parts = jwt.split('.');
  if (parts.length !== 3) throw new Error(`not a compact JWS (${parts.length} segments)`);
  const { alg, kid } = protectedHeader(jwt);
  const expected = typeof alg === 'string' ? expectations[alg] : undefined;
  if (!expected) throw new Error(`unexpected alg ${String(alg)}`);
  const jwk = jwks.keys.find((candidate) => candidate.kid === kid);
  if (!jwk) throw new Error(`no key with kid ${String(kid)} in the JWKS`);
  if (jwk.use !== 'sig' || jwk.alg !== alg || jwk.kty !== expected.kty || jwk.crv !== expected.crv) {
    throw new Error(`JWKS key ${String(kid)} does not fit ${alg}: ${JSON.stringify({ use: jwk.use, alg: jwk.alg, kty: jwk.kty, crv: jwk.crv })}`);
  }
  const key = createPublicKey({ key: jwk, format: 'jwk' });
  const data = Buffer.from(`${parts[0]}.${parts[1]}`);
  const signature = Buffer.from(parts[2]!, 'base64url');
  // JWS ECDSA signatures are R || S (RFC 7518 §3.4), not DER.
  const ok = expected.kty === 'EC' ? verify(expected.hash, data, { key, dsaEncoding: 'ieee-p1363' }, signature) : verify(expected.hash, data, key, signature);
  if (!ok) throw new Error(`signature of ${alg} token with kid ${String(kid)} does not verify`);
  return unverifiedClaims(jwt);
}

/** Verifies an HS256 JWS with a shared secret (OIDC Core §10.1: the client secret's UTF-8 octets). */
export function verifyHs256(jwt: string, secret: string): Record<string, unknown> {
  const parts = jwt.split('.');
  if (parts.length !== 3) throw new Error(`not a compact JWS (${parts.length} segments)`);
  if (protectedHeader(jwt)['alg'] !== 'HS256') throw new Error('not an HS256 token');
  const expected = createHmac('sha256', Buffer.from(secret, 'utf8')).update(`${parts[0]}.${parts[1]}`).digest();
  const actual = Buffer.from(parts[2]!, 'base64url');
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) throw new Error('HS256 signature does not verify');
  return unverifiedClaims(jwt);
}

/**
 * Decrypts a compact JWE made with RSA-OAEP-256 and A256CBC-HS512 (RFC 7516 §5.2, RFC 7518 §4.3
 * and §5.2.2.2), checking the authentication tag first. Returns the header and the plaintext.
 */
export function decryptCompactJwe(jwe: string, privateKey: KeyObject): { readonly header: Record<string, unknown>; readonly plaintext: string } {
  const parts = jwe.split('.');
  if (parts.length !== 5) throw new Error(`not a compact JWE (${parts.length} segments)`);
  const [, encryptedKey, iv, ciphertext, tag] = parts.map((part) => Buffer.from(part, 'base64url')) as [Buffer, Buffer, Buffer, Buffer, Buffer];
  const header = protectedHeader(jwe);
  if (header['alg'] !== 'RSA-OAEP-256' || header['enc'] !== 'A256CBC-HS512') throw new Error(`unexpected JWE algorithms ${JSON.stringify(header)}`);
  const cek = privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, encryptedKey);
  if (cek.length !== 64) throw new Error(`A256CBC-HS512 needs a 64-byte key, got ${cek.length}`);
  const aad = Buffer.from(parts[0]!, 'ascii');
  const al = Buffer.alloc(8);
  al.writeBigUInt64BE(BigInt(aad.length * 8));
  const mac = createHmac('sha512', cek.subarray(0, 32)).update(Buffer.concat([aad, iv, ciphertext, al])).digest().subarray(0, 32);
  if (tag.length !== 32 || !timingSafeEqual(mac, tag)) throw new Error('JWE authentication tag does not verify');
  const decipher = createDecipheriv('aes-256-cbc', cek.subarray(32), iv);
  const plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
  return { header, plaintext };
}

/** `at_hash` (OIDC Core §3.1.3.6; EdDSA with Ed25519 hashes with SHA-512, errata set 2). */
export function expectedAtHash(accessToken: string, alg: string): string {
  const hash = { HS256: 'sha256', RS256: 'sha256', ES256: 'sha256', ES384: 'sha384', ES512: 'sha512', EdDSA: 'sha512' }[alg];
  if (!hash) throw new Error(`no hash for ${alg}`);
  const digest = createHash(hash).update(accessToken, 'ascii').digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}

/** A copy of a compact token with one character of its last segment changed. */
export function tamper(token: string): string {
  const last = token.lastIndexOf('.') + 1;
  const index = last + 2;
  const replacement = token[index] === 'A' ? 'B' : 'A';
  return `${token.slice(0, index)}${replacement}${token.slice(index + 1)}`;
}
