// CORS (DESIGN.md §7, behaviour spec §1 and edge cases 29-30, authentik #22179): discovery and
// JWKS are public (`*`); the token, userinfo, revocation, introspection and device authorization
// endpoints answer scripts only of origins of registered redirect URIs (strict entries by their
// exact origin, regex entries when some URI at the origin matches), without credentials mode.
// A preflight allows an origin of any application; an actual request an origin of the client it
// names. Unregistered origins get no CORS headers, and their requests still work.
import { digestToken } from '@gatehouse/core';
import { manualClock, type ManualClock } from '@gatehouse/core/testing';
import {
  basicAuthorization,
  clients,
  customClient,
  get,
  jsonOf,
  makeApplication,
  obtainCode,
  obtainTokens,
  pkcePair,
  postForm,
  startTestServer,
  strict,
  tokenPath,
  userinfoPath,
  type TestServer,
} from '../fixtures.js';

/** A public single-page application with a logout URI on an origin of its own. */
const spa = customClient('spa', {
  clientType: 'public',
  tokenEndpointAuthMethod: 'none',
  clientSecretDigest: null,
  redirectUris: [strict('https://spa.example.org/callback'), { matchingMode: 'strict', url: 'https://spa-logout.example.org/bye', type: 'logout' }],
});
const spaClient = { ...spa.client, secret: undefined, redirectUri: 'https://spa.example.org/callback' };
/** Templated tenant origins: one regex redirect URI (authentik #22179). */
const tenants = customClient('tenants', {
  redirectUris: [{ matchingMode: 'regex', url: 'https://[a-z]+\\.tenants\\.example\\.org/cb', type: 'authorization' }],
});
const tenantsClient = { ...tenants.client, redirectUri: 'https://acme.tenants.example.org/cb' };
// The fixture's `.*` application would register every origin there is.
const anything = makeApplication({
  id: 'app-anything',
  slug: clients.anything.slug,
  clientId: clients.anything.clientId,
  clientSecretDigest: digestToken(clients.anything.secret),
  redirectUris: [strict('https://anything.example.net/cb')],
});

const spaOrigin = 'https://spa.example.org';
const confidentialOrigin = 'https://client.example.com';
const unregistered = 'https://evil.example.net';
const endpoints = {
  token: { path: tokenPath, methods: 'POST, OPTIONS' },
  userinfo: { path: userinfoPath, methods: 'GET, POST, OPTIONS' },
  revoke: { path: '/application/o/revoke/', methods: 'POST, OPTIONS' },
  introspect: { path: '/application/o/introspect/', methods: 'POST, OPTIONS' },
  device: { path: '/application/o/device/', methods: 'POST, OPTIONS' },
};

let t: TestServer;
let clock: ManualClock;
beforeAll(async () => {
  clock = manualClock(Math.floor(Date.now() / 1000));
  t = await startTestServer({ clock, applications: [spa.application, tenants.application, anything] });
});
afterAll(() => t.close());

/** Every `access-control-*` header of a response, by name. */
function corsHeaders(res: Response): Record<string, string> {
  const found: Record<string, string> = {};
  res.headers.forEach((value, name) => {
    if (name.startsWith('access-control-')) found[name] = value;
  });
  return found;
}

const preflight = (path: string, origin: string | undefined, method = 'POST') =>
  fetch(`${t.baseUrl}${path}`, {
    method: 'OPTIONS',
    headers: {
      ...(origin !== undefined ? { origin } : {}),
      'access-control-request-method': method,
      'access-control-request-headers': 'authorization,content-type,dpop',
    },
  });

/** What an actual request from a registered origin carries. */
const echoed = (origin: string) => ({
  'access-control-allow-origin': origin,
  'access-control-expose-headers': 'WWW-Authenticate, Retry-After, X-Request-Id, DPoP-Nonce',
});

describe('preflight (OPTIONS) of the client endpoints', () => {
  it.each(Object.entries(endpoints))('%s: allows the origin of a registered redirect URI, with methods, headers and max age, and no credentials', async (_name, { path, methods }) => {
    const res = await preflight(path, spaOrigin);
    expect(res.status).toBe(204);
    expect(corsHeaders(res)).toEqual({
      'access-control-allow-origin': spaOrigin,
      'access-control-allow-methods': methods,
      'access-control-allow-headers': 'Authorization, Content-Type, DPoP',
      'access-control-max-age': '600',
    });
    expect(res.headers.get('vary')).toBe('Origin');
    expect(res.headers.get('allow')).toBe(methods);
    expect(await res.text()).toBe('');
  });

  it.each([
    ['the origin of a logout URI', 'https://spa-logout.example.org'],
    ['an origin a regex redirect URI matches (authentik #22179)', 'https://acme.tenants.example.org'],
    ['the origin of a fixture client (any application counts, the preflight names no client)', confidentialOrigin],
    ['a port a strict URI names', 'http://127.0.0.1:8765'],
  ])('allows %s', async (_name, origin) => {
    const res = await preflight(tokenPath, origin);
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(origin);
  });

  it.each([
    ['an unregistered origin', unregistered],
    ['a suffix of a regex origin', 'https://acme.tenants.example.org.evil.net'],
    ['another scheme', 'http://spa.example.org'],
    ['another port', 'http://127.0.0.1:8766'],
    ['the opaque origin null', 'null'],
    ['an origin with a path', `${spaOrigin}/`],
  ])('answers 204 without any CORS header to %s', async (_name, origin) => {
    const res = await preflight(tokenPath, origin);
    expect(res.status).toBe(204);
    expect(corsHeaders(res)).toEqual({});
    expect(res.headers.get('vary')).toBe('Origin');
  });

  it('answers an OPTIONS request without Origin (no CORS) with Allow only', async () => {
    const res = await preflight(tokenPath, undefined);
    expect(res.status).toBe(204);
    expect(res.headers.get('allow')).toBe('POST, OPTIONS');
    expect(corsHeaders(res)).toEqual({});
  });

  it('is not offered by the browser-facing authorization endpoint', async () => {
    const res = await preflight('/application/o/authorize/', spaOrigin, 'GET');
    expect(res.status).toBe(405);
    expect(corsHeaders(res)).toEqual({});
  });
});

describe('public documents: discovery and JWKS', () => {
  it.each([
    ['discovery', `/application/o/${clients.confidential.slug}/.well-known/openid-configuration`],
    ['RFC 8414 discovery', `/.well-known/oauth-authorization-server/application/o/${clients.confidential.slug}/`],
    ['JWKS', `/application/o/${clients.confidential.slug}/jwks/`],
  ])('%s: any origin may read it, preflight included, without credentials', async (_name, path) => {
    const res = await get(t, path, { headers: { origin: unregistered } });
    expect(res.status).toBe(200);
    expect(corsHeaders(res)).toEqual({ 'access-control-allow-origin': '*' });

    const options = await preflight(path, unregistered, 'GET');
    expect(options.status).toBe(204);
    expect(corsHeaders(options)).toEqual({
      'access-control-allow-origin': '*',
      'access-control-allow-methods': 'GET, OPTIONS',
      'access-control-allow-headers': '*',
      'access-control-max-age': '600',
    });
  });
});

describe('actual requests at the token endpoint', () => {
  it('echoes the origin of the public client that exchanges its code, and exposes its headers', async () => {
    const { verifier, challenge } = pkcePair();
    const code = await obtainCode(t, spaClient, { code_challenge: challenge, code_challenge_method: 'S256' });
    const res = await postForm(
      t,
      tokenPath,
      { grant_type: 'authorization_code', code, redirect_uri: spaClient.redirectUri, client_id: spaClient.clientId, code_verifier: verifier },
      { headers: { origin: spaOrigin } },
    );
    expect(res.status).toBe(200);
    expect(corsHeaders(res)).toEqual(echoed(spaOrigin));
    expect(res.headers.get('vary')).toBe('Origin');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('refreshes from an unregistered origin without CORS headers (behaviour spec edge case 30)', async () => {
    const tokens = await obtainTokens(t, clients.confidential, { scope: 'openid offline_access' });
    const refreshToken = (tokens as unknown as { refresh_token: string }).refresh_token;
    const res = await postForm(t, tokenPath, { grant_type: 'refresh_token', refresh_token: refreshToken }, {
      headers: { origin: unregistered, authorization: basicAuthorization(clients.confidential.clientId, clients.confidential.secret) },
    });
    expect(res.status).toBe(200);
    expect((await jsonOf(res))['refresh_token']).toEqual(expect.any(String));
    expect(corsHeaders(res)).toEqual({});
  });

  it('refreshes from a registered origin of the client with CORS headers (behaviour spec edge case 29)', async () => {
    const tokens = await obtainTokens(t, clients.confidential, { scope: 'openid offline_access' });
    const refreshToken = (tokens as unknown as { refresh_token: string }).refresh_token;
    const res = await postForm(t, tokenPath, { grant_type: 'refresh_token', refresh_token: refreshToken }, {
      headers: { origin: confidentialOrigin, authorization: basicAuthorization(clients.confidential.clientId, clients.confidential.secret) },
    });
    expect(res.status).toBe(200);
    expect(corsHeaders(res)).toEqual(echoed(confidentialOrigin));
  });

  it("does not echo another application's origin to the client a request names", async () => {
    const authorization = basicAuthorization(clients.confidential.clientId, clients.confidential.secret);
    const res = await postForm(t, tokenPath, { grant_type: 'authorization_code', code: 'nope', redirect_uri: clients.confidential.redirectUri }, { headers: { origin: spaOrigin, authorization } });
    expect(res.status).toBe(400);
    expect(corsHeaders(res)).toEqual({});
    expect(res.headers.get('vary')).toBe('Origin');
  });

  it.each([
    ['by Basic credentials', { authorization: basicAuthorization(tenantsClient.clientId, 'wrong-secret') }, {}],
    ['by client_id in the body', {}, { client_id: tenantsClient.clientId, client_secret: 'wrong-secret' }],
  ])('checks a regex origin against the client named %s, errors included', async (_name, headers, body) => {
    const allowed = await postForm(t, tokenPath, { grant_type: 'authorization_code', code: 'nope', ...body }, { headers: { ...headers, origin: 'https://acme.tenants.example.org' } });
    expect(allowed.status).toBe(401);
    expect(corsHeaders(allowed)).toEqual(echoed('https://acme.tenants.example.org'));

    const refused = await postForm(t, tokenPath, { grant_type: 'authorization_code', code: 'nope', ...body }, { headers: { ...headers, origin: 'https://acme.tenants.example.org.evil.net' } });
    expect(refused.status).toBe(401);
    expect(corsHeaders(refused)).toEqual({});
  });

  it('answers a malformed request from a registered origin readably', async () => {
    const res = await postForm(t, tokenPath, 'grant_type=a&grant_type=b', { headers: { origin: spaOrigin } });
    expect(res.status).toBe(400);
    expect(corsHeaders(res)).toEqual(echoed(spaOrigin));
  });
});

describe('actual requests at the other client endpoints', () => {
  it('userinfo: echoes a registered origin of any application, and answers others without CORS headers', async () => {
    const { access_token: accessToken } = await obtainTokens(t, clients.confidential);
    for (const [origin, expected] of [[spaOrigin, echoed(spaOrigin)], [unregistered, {}]] as const) {
      const res = await get(t, userinfoPath, { headers: { origin, authorization: `Bearer ${accessToken}` } });
      expect(res.status).toBe(200);
      expect(corsHeaders(res)).toEqual(expected);
    }
  });

  it('revocation and introspection: echo an origin of the calling client', async () => {
    const { access_token: accessToken } = await obtainTokens(t, clients.confidential);
    const authorization = basicAuthorization(clients.confidential.clientId, clients.confidential.secret);
    const introspect = await postForm(t, endpoints.introspect.path, { token: accessToken }, { headers: { origin: confidentialOrigin, authorization } });
    expect(introspect.status).toBe(200);
    expect(corsHeaders(introspect)).toEqual(echoed(confidentialOrigin));
    const revoke = await postForm(t, endpoints.revoke.path, { token: accessToken }, { headers: { origin: confidentialOrigin, authorization } });
    expect(revoke.status).toBe(200);
    expect(corsHeaders(revoke)).toEqual(echoed(confidentialOrigin));
    const elsewhere = await postForm(t, endpoints.introspect.path, { token: accessToken }, { headers: { origin: spaOrigin, authorization } });
    expect(elsewhere.status).toBe(200);
    expect(corsHeaders(elsewhere)).toEqual({});
  });

  it('device authorization: echoes an origin of the client', async () => {
    const res = await postForm(t, endpoints.device.path, { client_id: spaClient.clientId }, { headers: { origin: spaOrigin } });
    expect(corsHeaders(res)).toEqual(echoed(spaOrigin));
  });
});

describe('the origin index', () => {
  it('accepts the origin of an application registered later once originCacheSeconds (30) have passed', async () => {
    const late = customClient('late', { redirectUris: [strict('https://late.example.org/cb')] });
    await t.stores.applications.save(late.application);
    expect((await preflight(tokenPath, 'https://late.example.org')).headers.get('access-control-allow-origin')).toBeNull();
    clock.advance(30);
    // The first request after expiry reloads the index in the background and is answered from the old one.
    await (await preflight(tokenPath, 'https://late.example.org')).arrayBuffer();
    expect((await preflight(tokenPath, 'https://late.example.org')).headers.get('access-control-allow-origin')).toBe('https://late.example.org');
  });
});
