// JWT client authentication (RFC 7523 §2.2/§3, OIDC Core §9, issue 5): client_secret_jwt (HS256
// with the client secret) and private_key_jwt (keys registered inline or at a jwks_uri), at the
// code exchange and at client_credentials. Every failure is 401 invalid_client with a challenge;
// a client may only use the method it registered.
import { randomUUID } from 'node:crypto';
import type { Application } from '@gatehouse/core';
import { decodeJwt, SignJWT, type JWTPayload } from 'jose';
import {
  basicAuthorization,
  customClient,
  jsonOf,
  obtainCode,
  postForm,
  startTestServer,
  tokenPath,
  userinfo,
  type Json,
  type Params,
  type TestClient,
  type TestServer,
} from '../fixtures.js';
import { expectInvalidClient, expectTokenError, hs256Jwt, jwtBearer, publicPem, serveJwks, signWith, testKey, unsecuredJwt, type JwksServer, type TestKey } from '../token-helpers.js';

let rsa: TestKey;
let ec: TestKey;
let rogueRsa: TestKey;
let rogueEc: TestKey;
let jwks: JwksServer;
let t: TestServer;

const hs = customClient('cauth-hs').client;
const pkInline = customClient('cauth-pk').client;
const pkRemote = customClient('cauth-pk-remote').client;
const basic = customClient('cauth-basic').client;

beforeAll(async () => {
  [rsa, ec, rogueRsa, rogueEc] = await Promise.all([testKey('RS256', 'client-rsa'), testKey('ES256', 'client-ec'), testKey('RS256', 'client-rsa'), testKey('ES256', 'client-ec')]);
  jwks = await serveJwks([ec.publicJwk]);
  const applications: Application[] = [
    customClient(hs.slug, { tokenEndpointAuthMethod: 'client_secret_jwt', hmacSecret: hs.secret }).application,
    customClient(pkInline.slug, { tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [rsa.publicJwk as Record<string, unknown>] } }).application,
    customClient(pkRemote.slug, { tokenEndpointAuthMethod: 'private_key_jwt', jwksUri: jwks.url }).application,
    customClient(basic.slug).application,
  ];
  t = await startTestServer({ applications });
});
afterAll(async () => {
  await t.close();
  await jwks.close();
});

/** How a client signs its assertions, and how an attacker without its key would. */
interface Method {
  readonly name: string;
  readonly client: TestClient;
  sign(payload: JWTPayload): Promise<string>;
  /** The same claims signed without the client's key. */
  forge(payload: JWTPayload): Promise<string>;
}

const hsSign = (secret: string) => (payload: JWTPayload) => new SignJWT(payload).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(new TextEncoder().encode(secret));

const methods: readonly Method[] = [
  { name: 'client_secret_jwt', client: hs, sign: (p) => hsSign(hs.secret!)(p), forge: (p) => hsSign('not-the-client-secret')(p) },
  { name: 'private_key_jwt (inline jwks, RS256)', client: pkInline, sign: (p) => signWith(rsa, p), forge: (p) => signWith(rogueRsa, p) },
  { name: 'private_key_jwt (jwks_uri, ES256)', client: pkRemote, sign: (p) => signWith(ec, p), forge: (p) => signWith(rogueEc, p) },
];

const now = () => Math.floor(Date.now() / 1000);
const tokenEndpoint = () => `${t.baseUrl}${tokenPath}`;

/** RFC 7523 §3 claims of `c`'s assertion: iss = sub = client_id, the token endpoint as audience. */
function claimsOf(c: TestClient, extra: JWTPayload = {}): JWTPayload {
  const issuedAt = now();
  return { iss: c.clientId, sub: c.clientId, aud: tokenEndpoint(), iat: issuedAt, exp: issuedAt + 60, jti: randomUUID(), ...extra };
}

/** Where a client authenticates: the code exchange or client_credentials. */
interface Endpoint {
  readonly name: string;
  request(c: TestClient, credentials: Params, headers?: Record<string, string>): Promise<Response>;
  expectSuccess(res: Response, c: TestClient): Promise<void>;
}

async function okBody(res: Response): Promise<Json> {
  const body = await jsonOf(res);
  expect({ status: res.status, error: body['error_description'] }).toEqual({ status: 200, error: undefined });
  return body;
}

const endpoints: readonly Endpoint[] = [
  {
    name: 'code exchange',
    async request(c, credentials, headers = {}) {
      const code = await obtainCode(t, c);
      return postForm(t, tokenPath, { grant_type: 'authorization_code', code, redirect_uri: c.redirectUri, ...credentials }, { headers });
    },
    async expectSuccess(res, c) {
      const body = await okBody(res);
      expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'id_token', 'scope', 'token_type']);
      expect(decodeJwt(body['id_token'])).toMatchObject({ aud: c.clientId, preferred_username: 'alice' });
    },
  },
  {
    name: 'client_credentials',
    request: (_c, credentials, headers = {}) => postForm(t, tokenPath, { grant_type: 'client_credentials', scope: 'openid profile', ...credentials }, { headers }),
    async expectSuccess(res, c) {
      const body = await okBody(res);
      expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'id_token', 'scope', 'token_type']);
      expect(body['scope']).toBe('openid profile');
      const claims = await jsonOf(await userinfo(t, body['access_token']));
      expect(claims['preferred_username']).toBe(`gatehouse-${c.slug}-client_credentials`);
    },
  },
];

const assertionParams = (c: TestClient, assertion: string, withClientId = true): Params => ({
  ...(withClientId ? { client_id: c.clientId } : {}),
  client_assertion_type: jwtBearer,
  client_assertion: assertion,
});

describe.each(endpoints)('at the $name', (endpoint) => {
  describe.each(methods)('$name', (method) => {
    const c = method.client;
    const send = async (payload: JWTPayload, sign = method.sign) => endpoint.request(c, assertionParams(c, await sign(payload)));

    it('authenticates the client', async () => {
      await endpoint.expectSuccess(await send(claimsOf(c)), c);
    });

    it('accepts the issuer, or the token endpoint among several audiences, as aud', async () => {
      await endpoint.expectSuccess(await send(claimsOf(c, { aud: t.issuer(c.slug) })), c);
      await endpoint.expectSuccess(await send(claimsOf(c, { aud: ['https://elsewhere.example.com', tokenEndpoint()] })), c);
    });

    it('finds the client by the assertion alone (no client_id)', async () => {
      await endpoint.expectSuccess(await endpoint.request(c, assertionParams(c, await method.sign(claimsOf(c)), false)), c);
    });

    it.each<[string, (c: TestClient) => JWTPayload]>([
      ['another audience', (c) => claimsOf(c, { aud: 'https://elsewhere.example.com/token' })],
      ['no audience', (c) => claimsOf(c, { aud: undefined })],
      ['an expired assertion', (c) => claimsOf(c, { iat: now() - 180, exp: now() - 60 })],
      ['no exp', (c) => claimsOf(c, { exp: undefined })],
      ['no jti', (c) => claimsOf(c, { jti: undefined })],
      ['iss ≠ sub', (c) => claimsOf(c, { sub: 'someone-else' })],
      ['iss of another client', (c) => claimsOf(c, { iss: basic.clientId })],
    ])('refuses %s with 401 invalid_client', async (_case, claims) => {
      await expectInvalidClient(await send(claims(c)));
    });

    it('refuses a replayed jti with 401 invalid_client', async () => {
      const assertion = await method.sign(claimsOf(c));
      await endpoint.expectSuccess(await endpoint.request(c, assertionParams(c, assertion)), c);
      await expectInvalidClient(await endpoint.request(c, assertionParams(c, assertion)));
    });

    it('refuses an assertion signed by another key with 401 invalid_client', async () => {
      await expectInvalidClient(await send(claimsOf(c), method.forge));
    });

    it('refuses alg none with 401 invalid_client', async () => {
      const kid = c === pkInline ? rsa.kid : c === pkRemote ? ec.kid : undefined;
      await expectInvalidClient(await endpoint.request(c, assertionParams(c, unsecuredJwt(claimsOf(c), kid))));
    });

    it('refuses the client secret by Basic or in the body (method not registered) with 401 invalid_client', async () => {
      await expectInvalidClient(await endpoint.request(c, {}, { authorization: basicAuthorization(c.clientId, c.secret!) }));
      await expectInvalidClient(await endpoint.request(c, { client_id: c.clientId, client_secret: c.secret! }));
    });
  });

  describe('the registered method is enforced', () => {
    it('refuses client_secret_jwt from a private_key_jwt client (even HS256 keyed with its public key)', async () => {
      await expectInvalidClient(await endpoint.request(pkInline, assertionParams(pkInline, await hsSign(pkInline.secret!)(claimsOf(pkInline)))));
      await expectInvalidClient(await endpoint.request(pkInline, assertionParams(pkInline, hs256Jwt(claimsOf(pkInline), await publicPem(rsa), rsa.kid))));
    });

    it('refuses private_key_jwt from a client_secret_jwt client', async () => {
      await expectInvalidClient(await endpoint.request(hs, assertionParams(hs, await signWith(rsa, claimsOf(hs)))));
    });

    it('refuses private_key_jwt and client_secret_jwt from a client_secret_basic client', async () => {
      await expectInvalidClient(await endpoint.request(basic, assertionParams(basic, await signWith(rsa, claimsOf(basic)))));
      await expectInvalidClient(await endpoint.request(basic, assertionParams(basic, await hsSign(basic.secret!)(claimsOf(basic)))));
    });

    it('still authenticates the client_secret_basic client with its secret', async () => {
      await endpoint.expectSuccess(await endpoint.request(basic, {}, { authorization: basicAuthorization(basic.clientId, basic.secret!) }), basic);
    });

    it('refuses an assertion whose iss and sub name another client than client_id', async () => {
      const res = await endpoint.request(pkInline, { ...assertionParams(pkInline, await signWith(rsa, claimsOf(pkInline))), client_id: basic.clientId });
      if (endpoint.name === 'code exchange') {
        await expectInvalidClient(res);
      } else {
        // client_credentials identifies the client by client_id; to it the assertion is a JWT that
        // no federation source of that client accepts.
        await expectTokenError(res, 400, 'invalid_grant', 'the client credentials are invalid');
      }
    });
  });
});
