// Helpers of the refresh, machine-to-machine and client-authentication tests: exact token-endpoint
// error assertions, key pairs, JWKS served over HTTP, and JWTs built by hand (alg none, HMAC keyed
// with public key material) that jose refuses to produce.
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload, type KeyObject } from 'jose';
import { jsonOf } from './fixtures.js';

/** RFC 7523 §2.2. */
export const jwtBearer = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** Asserts an error response of the token endpoint: status, no-store, the exact body with request_id. */
export async function expectTokenError(res: Response, status: number, error: string, description?: string): Promise<void> {
  const body = await jsonOf(res);
  expect({ status: res.status, body }).toEqual({
    status,
    body: { error, error_description: description ?? expect.any(String), request_id: res.headers.get('x-request-id') },
  });
  expect(res.headers.get('cache-control')).toBe('no-store');
  expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
}

/** RFC 6749 §5.2: 401 invalid_client with a Basic challenge. */
export async function expectInvalidClient(res: Response, description?: string): Promise<void> {
  const challenge = res.headers.get('www-authenticate');
  await expectTokenError(res, 401, 'invalid_client', description);
  expect(challenge).toBe('Basic realm="gatehouse", charset="UTF-8"');
}

/** A signing key pair with its public JWK (`kid`, `alg`, `use: sig`). */
export interface TestKey {
  readonly kid: string;
  readonly alg: 'RS256' | 'ES256';
  readonly privateKey: CryptoKey | KeyObject;
  readonly publicKey: CryptoKey | KeyObject;
  readonly publicJwk: JWK;
}

export async function testKey(alg: 'RS256' | 'ES256', kid: string): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, publicKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/** Signs `payload` with `key` (header `alg`, `typ: JWT`, and `kid` unless told otherwise). */
export function signWith(key: TestKey, payload: JWTPayload, header: { kid?: string | null } = {}): Promise<string> {
  const kid = header.kid === undefined ? key.kid : header.kid;
  return new SignJWT(payload).setProtectedHeader({ alg: key.alg, typ: 'JWT', ...(kid !== null ? { kid } : {}) }).sign(key.privateKey);
}

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An unsecured JWT (RFC 7519 §6): `alg: none`, empty signature. */
export function unsecuredJwt(payload: JWTPayload, kid?: string): string {
  return `${b64({ alg: 'none', typ: 'JWT', ...(kid !== undefined ? { kid } : {}) })}.${b64(payload)}.`;
}

/** An HS256 JWT keyed with arbitrary bytes (algorithm confusion: the RSA public key as HMAC key). */
export function hs256Jwt(payload: JWTPayload, key: Buffer | string, kid?: string): string {
  const input = `${b64({ alg: 'HS256', typ: 'JWT', ...(kid !== undefined ? { kid } : {}) })}.${b64(payload)}`;
  return `${input}.${createHmac('sha256', key).update(input).digest('base64url')}`;
}

/** The SPKI PEM of a public key: the "secret" of the classic HS256/RS256 confusion attack. */
export async function publicPem(key: TestKey): Promise<string> {
  return exportSPKI(key.publicKey);
}

/** A JWKS served on 127.0.0.1 (an issuer's `jwks_uri`), counting its requests. */
export interface JwksServer {
  readonly url: string;
  /** How many times the keys were fetched. */
  readonly requests: () => number;
  close(): Promise<void>;
}

export async function serveJwks(keys: readonly JWK[]): Promise<JwksServer> {
  let requests = 0;
  const http: Server = createServer((req, res) => {
    requests++;
    if (req.url !== '/jwks') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/jwks`,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        http.closeAllConnections();
        http.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
