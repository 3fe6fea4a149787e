// Implicit (OIDC Core §3.2) and hybrid (§3.3) response types in each allowed response mode: the
// exact parameters of each response (§3.2.2.5, §3.3.2.5, RFC 9207 `iss`), the ID token's nonce,
// c_hash and at_hash checked against an independent computation (§3.3.2.11: left half of the
// SHA-256 for ES256, RS256 and HS256), and discovery advertising all of it.
import { createKeyRecord, type KeyRecord } from '@gatehouse/core';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import {
  authorize,
  clients,
  customClient,
  get,
  jsonOf,
  startTestServer,
  testUser,
  userinfo,
  verifyJwt,
  type TestClient,
  type TestServer,
} from '../fixtures.js';
import { expectedNames, frontChannelRequest, leftHalfSha256, readResponse, wordsOf, type Mode } from './front-channel.js';

const { client: rsClient, application: rsApplication } = customClient('implicit-rs', { signingKey: 'rsa' });

let t: TestServer;
let rsaKey: KeyRecord;
beforeAll(async () => {
  rsaKey = await createKeyRecord({ name: 'rsa', alg: 'RS256', now: Math.floor(Date.now() / 1000) });
  t = await startTestServer({ keys: [rsaKey], applications: [rsApplication] });
});
afterAll(() => t.close());

const codeSyntax = /^[A-Za-z0-9_-]{43}$/;
const nonce = 'n-0S6_WzA2Mj';

/** Each supported response type, spelled in more than one word order. */
const responseTypes = [
  'id_token',
  'id_token token',
  'token id_token',
  'code id_token',
  'id_token code',
  'code token',
  'token code',
  'code id_token token',
  'token id_token code',
  'id_token code token',
];
const modes: readonly (readonly [string, Mode | undefined])[] = [
  ['fragment (the default)', undefined],
  ['fragment', 'fragment'],
  ['form_post', 'form_post'],
];

/** Checks one successful front-channel response completely; returns its parameters. */
async function expectSuccess(c: TestClient, slug: string, responseType: string, params: Readonly<Record<string, string>>, secret?: string) {
  const words = wordsOf(responseType);
  expect(Object.keys(params).sort()).toEqual(expectedNames(responseType));
  expect(params['state']).toBe('st-123');
  expect(params['iss']).toBe(t.issuer(slug));
  if (words.includes('code')) expect(params['code']).toMatch(codeSyntax);
  if (words.includes('token')) {
    expect({ token_type: params['token_type'], expires_in: params['expires_in'], scope: params['scope'] }).toEqual({
      token_type: 'Bearer',
      expires_in: '3600',
      scope: 'openid profile email',
    });
    const { payload, protectedHeader } = await verifyJwt(t, slug, params['access_token']!, { audience: c.clientId, typ: 'at+jwt', ...(secret ? { secret } : {}) });
    expect(protectedHeader.typ).toBe('at+jwt');
    expect(payload).toMatchObject({ client_id: c.clientId, scope: 'openid profile email' });
    expect(payload['exp']! - payload['iat']!).toBe(3600);
    const info = await userinfo(t, params['access_token']!);
    expect(info.status).toBe(200);
    expect(await jsonOf(info)).toMatchObject({ preferred_username: testUser.username, email: testUser.email });
  }
  if (words.includes('id_token')) {
    const { payload } = await verifyJwt(t, slug, params['id_token']!, { audience: c.clientId, typ: 'JWT', ...(secret ? { secret } : {}) });
    expect(payload['nonce']).toBe(nonce);
    expect(payload['azp']).toBe(c.clientId);
    expect(payload['auth_time']).toBe(t.authTime);
    // c_hash exactly when a code travels beside the ID token, at_hash exactly when an access token does.
    expect(payload['c_hash']).toBe(words.includes('code') ? leftHalfSha256(params['code']!) : undefined);
    expect(payload['at_hash']).toBe(words.includes('token') ? leftHalfSha256(params['access_token']!) : undefined);
    expect(payload['c_hash'] ?? '').toMatch(/^[A-Za-z0-9_-]{0,22}$/);
    expect(payload['at_hash'] ?? '').toMatch(/^[A-Za-z0-9_-]{0,22}$/);
  }
  return params;
}

describe.each(modes)('response mode %s', (_name, mode) => {
  it.each(responseTypes)('answers response_type=%s with exactly its parameters', async (responseType) => {
    const c = clients.confidential;
    const res = await authorize(t, frontChannelRequest(c, responseType, mode ? { response_mode: mode } : {}), { user: testUser.id });
    expect(res.headers.get('cache-control')).toBe('no-store');
    const response = await readResponse(res, mode ?? 'fragment');
    expect(response.target).toBe(c.redirectUri);
    await expectSuccess(c, 'confidential', responseType, response.params);
  });
});

describe('fragment encoding', () => {
  it('never puts any response parameter in the query, even when the redirect URI has a query of its own', async () => {
    const c = clients.confidential;
    const redirectUri = 'https://client.example.com/cb?tenant=acme&lang=en';
    const res = await authorize(t, frontChannelRequest(c, 'code id_token token', { redirect_uri: redirectUri, state: 'a b&c=d#e' }), { user: testUser.id });
    const location = res.headers.get('location')!;
    expect(location.startsWith(`${redirectUri}#`)).toBe(true);
    expect(new URL(location).searchParams.toString()).toBe('tenant=acme&lang=en');
    const fragment = new URLSearchParams(location.split('#')[1]);
    expect([...fragment.keys()].sort()).toEqual(expectedNames('code id_token token'));
    expect(fragment.get('state')).toBe('a b&c=d#e');
  });
});

describe('token hashes for each signing algorithm', () => {
  it.each([
    ['ES256', 'confidential'],
    ['RS256', 'implicit-rs'],
    ['HS256', 'hs256'],
  ])('signs with %s and computes c_hash and at_hash from the left half of SHA-256', async (alg, slug) => {
    const c = slug === 'confidential' ? clients.confidential : slug === 'hs256' ? clients.hs256 : rsClient;
    const secret = slug === 'hs256' ? clients.hs256.secret : undefined;
    const res = await authorize(t, frontChannelRequest(c, 'code id_token token'), { user: testUser.id });
    const { params } = await readResponse(res, 'fragment');
    expect(decodeProtectedHeader(params['id_token']!).alg).toBe(alg);
    if (alg === 'RS256') expect(decodeProtectedHeader(params['id_token']!).kid).toBe(rsaKey.kid);
    await expectSuccess(c, slug, 'code id_token token', params, secret);
    const claims = decodeJwt(params['id_token']!);
    expect(claims['c_hash']).toHaveLength(22);
    expect(claims['at_hash']).toHaveLength(22);
    expect(claims['c_hash']).not.toBe(claims['at_hash']);
  });
});

describe('nonce', () => {
  it('puts the exact nonce of the request into the ID token, also with characters that need encoding', async () => {
    const odd = 'nonce with spaces & "quotes" / ünïcode';
    const res = await authorize(t, frontChannelRequest(clients.confidential, 'id_token', { nonce: odd }), { user: testUser.id });
    const { params } = await readResponse(res, 'fragment');
    expect(decodeJwt(params['id_token']!)['nonce']).toBe(odd);
  });
});

describe('discovery', () => {
  it.each(['/application/o/confidential/.well-known/openid-configuration', '/.well-known/openid-configuration/application/o/confidential'])(
    'lists the six response types, the three response modes and the implicit grant at %s',
    async (path) => {
      const body = await jsonOf(await get(t, path));
      expect(body['response_types_supported']).toEqual(['code', 'id_token', 'id_token token', 'code id_token', 'code token', 'code id_token token']);
      expect([...body['response_modes_supported']].sort()).toEqual(['form_post', 'fragment', 'query']);
      expect(body['grant_types_supported']).toEqual(expect.arrayContaining(['authorization_code', 'implicit']));
      expect(body['claims_supported']).toEqual(expect.arrayContaining(['nonce', 'at_hash']));
    },
  );
});
