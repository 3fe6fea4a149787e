// An issuer for the resource-server tests: its own ES256 keys (jose), published over HTTP with
// discovery, JWKS and introspection endpoints whose answers and failures a test controls, and a
// resource server (Express) to put requireToken in front of.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';

export const audience = 'api-client';
export const subject = 'user-1';

interface KeyPair {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
}

let kids = 0;
async function newKey(): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const kid = `key-${++kids}`;
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
}

type Endpoint = 'discovery' | 'jwks' | 'introspection';

export interface SignOptions {
  /** A key of `issuer.keys` or one it never published. */
  readonly key?: KeyPair;
  readonly typ?: string;
}

export interface TestIssuer {
  readonly baseUrl: string;
  /** `<baseUrl>/application/o/api/`, as Gatehouse names a per-application issuer. */
  readonly issuer: string;
  readonly jwksUri: string;
  readonly introspectionEndpoint: string;
  /** Published keys; the first signs by default. */
  readonly keys: KeyPair[];
  /** Requests received per endpoint. */
  readonly hits: Record<Endpoint, number>;
  /** Endpoints that answer 500 while listed. */
  readonly failing: Set<Endpoint>;
  /** What introspection answers; every request it received (Authorization header and form body). */
  readonly introspection: { active: boolean; status: number; readonly requests: { readonly authorization: string | undefined; readonly body: URLSearchParams }[] };
  /** Replaces what the discovery document says its issuer is. */
  metadataIssuer: string | undefined;
  /** A signed access token: Gatehouse's claims (RFC 9068), overridden by `claims` (`undefined` removes one). */
  sign(claims?: Record<string, unknown>, options?: SignOptions): Promise<string>;
  /** A key pair that is not published. */
  unpublishedKey(): Promise<KeyPair>;
  /** Publishes a new key and signs with it from now on (a key rotation). */
  rotate(): Promise<KeyPair>;
  close(): Promise<void>;
}

const now = (): number => Math.floor(Date.now() / 1000);

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function listen(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const closeServer = (server: Server) => new Promise<void>((resolve, reject) => {
  server.closeAllConnections();
  server.close((error) => (error ? reject(error) : resolve()));
});

export async function startTestIssuer(): Promise<TestIssuer> {
  const server = createServer();
  const baseUrl = await listen(server);
  const issuer = `${baseUrl}/application/o/api/`;
  const keys = [await newKey()];
  const t: TestIssuer = {
    baseUrl,
    issuer,
    jwksUri: `${baseUrl}/application/o/api/jwks/`,
    introspectionEndpoint: `${baseUrl}/application/o/introspect/`,
    keys,
    hits: { discovery: 0, jwks: 0, introspection: 0 },
    failing: new Set(),
    introspection: { active: true, status: 200, requests: [] },
    metadataIssuer: undefined,
    async sign(claims = {}, options = {}) {
      const key = options.key ?? keys.at(-1)!;
      const payload: Record<string, unknown> = {
        iss: issuer, sub: subject, aud: audience, client_id: audience, azp: audience,
        iat: now(), exp: now() + 300, jti: `jti-${Math.random()}`, scope: 'openid notes:read',
      };
      for (const [name, value] of Object.entries(claims)) {
        if (value === undefined) delete payload[name];
        else payload[name] = value;
      }
      return new SignJWT(payload).setProtectedHeader({ alg: 'ES256', typ: options.typ ?? 'at+jwt', kid: key.kid }).sign(key.privateKey);
    },
    unpublishedKey: newKey,
    async rotate() {
      const key = await newKey();
      keys.push(key);
      return key;
    },
    close: () => closeServer(server),
  };
  const answer = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  server.on('request', async (req, res) => {
    const endpoint: Endpoint | undefined =
      req.url === '/application/o/api/.well-known/openid-configuration' ? 'discovery'
        : req.url === '/application/o/api/jwks/' ? 'jwks'
          : req.url === '/application/o/introspect/' && req.method === 'POST' ? 'introspection' : undefined;
    if (endpoint === undefined) return answer(res, 404, { error: 'not_found' });
    t.hits[endpoint]++;
    if (t.failing.has(endpoint)) return answer(res, 500, { error: 'server_error' });
    if (endpoint === 'discovery') {
      return answer(res, 200, { issuer: t.metadataIssuer ?? issuer, jwks_uri: t.jwksUri, introspection_endpoint: t.introspectionEndpoint });
    }
    if (endpoint === 'jwks') return answer(res, 200, { keys: keys.map((key) => key.publicJwk) });
    t.introspection.requests.push({ authorization: req.headers.authorization, body: new URLSearchParams(await readBody(req)) });
    answer(res, t.introspection.status, t.introspection.status === 200 ? { active: t.introspection.active } : { error: 'invalid_client' });
  });
  return t;
}

export interface TestApi {
  readonly baseUrl: string;
  /** GET (or POST with a form body) `path` with `Authorization: Bearer <token>` when a token is given. */
  call(path: string, init?: { readonly token?: string; readonly headers?: Record<string, string>; readonly form?: Record<string, string> }): Promise<Response>;
  close(): Promise<void>;
}

/** An Express resource server with form parsing (RFC 6750 §2.2 body tokens) and the routes `routes` adds. */
export async function startTestApi(routes: (app: Express) => void): Promise<TestApi> {
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  routes(app);
  const server = createServer(app);
  const baseUrl = await listen(server);
  return {
    baseUrl,
    call: (path, init = {}) => fetch(`${baseUrl}${path}`, {
      ...(init.form ? { method: 'POST', body: new URLSearchParams(init.form) } : {}),
      headers: { ...(init.token !== undefined ? { authorization: `Bearer ${init.token}` } : {}), ...init.headers },
    }),
    close: () => closeServer(server),
  };
}

/** Answers the verified token, as handlers read it. */
export const echoAuth = (req: express.Request, res: express.Response) => {
  const { token, claims, ...auth } = req.auth!;
  res.json({ ...auth, jti: claims.jti, tokenLength: token.length });
};
