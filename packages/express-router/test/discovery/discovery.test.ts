// Discovery (OIDC Discovery §4, RFC 8414 §3) and JWKS (RFC 7517) per application slug.
import { createLocalJWKSet, jwtVerify } from 'jose';
import { clients, get, jsonOf, obtainTokens, startTestServer, type TestServer } from '../fixtures.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

describe('discovery document', () => {
  it('answers the metadata of the application with its per-application issuer', async () => {
    const res = await get(t, '/application/o/confidential/.well-known/openid-configuration');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    // Cached as long as the server caches key lists (keyCacheSeconds, 60 by default).
    expect(res.headers.get('cache-control')).toBe('public, max-age=60');
    const metadata = await jsonOf(res);
    expect(metadata).toMatchObject({
      issuer: `${t.baseUrl}/application/o/confidential/`,
      authorization_endpoint: `${t.baseUrl}/application/o/authorize/`,
      token_endpoint: `${t.baseUrl}/application/o/token/`,
      userinfo_endpoint: `${t.baseUrl}/application/o/userinfo/`,
      jwks_uri: `${t.baseUrl}/application/o/confidential/jwks/`,
      revocation_endpoint: `${t.baseUrl}/application/o/revoke/`,
      introspection_endpoint: `${t.baseUrl}/application/o/introspect/`,
      response_types_supported: ['code', 'id_token', 'id_token token', 'code id_token', 'code token', 'code id_token token'],
      grant_types_supported: expect.arrayContaining(['authorization_code', 'refresh_token', 'client_credentials', 'password', 'implicit']),
      id_token_signing_alg_values_supported: ['ES256'],
      code_challenge_methods_supported: ['S256', 'plain'],
      authorization_response_iss_parameter_supported: true,
    });
  });

  it.each(['/application/o/confidential/.well-known/openid-configuration', '/application/o/confidential/jwks/'])(
    'answers 304 without a body to a client that holds the current version of %s (ETag)',
    async (path) => {
      const first = await get(t, path);
      const etag = first.headers.get('etag');
      expect(etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
      const again = await get(t, path, { headers: { 'if-none-match': `"stale", ${etag}` } });
      expect(again.status).toBe(304);
      expect(await again.text()).toBe('');
      expect(again.headers.get('etag')).toBe(etag);
      expect((await get(t, path, { headers: { 'if-none-match': '"stale"' } })).status).toBe(200);
    },
  );

  it('answers the same document without the trailing slash and with one', async () => {
    const canonical = await jsonOf(await get(t, '/application/o/confidential/.well-known/openid-configuration'));
    const withSlash = await get(t, '/application/o/confidential/.well-known/openid-configuration/');
    expect(withSlash.status).toBe(200);
    expect(await jsonOf(withSlash)).toEqual(canonical);
  });

  it('answers the same document at the RFC 8414 well-known path with a trailing slash', async () => {
    const canonical = await jsonOf(await get(t, '/application/o/confidential/.well-known/openid-configuration'));
    const res = await get(t, '/.well-known/oauth-authorization-server/application/o/confidential/');
    expect(res.status).toBe(200);
    expect(await jsonOf(res)).toEqual(canonical);
  });

  it('answers the same document at the RFC 8414 well-known path without a trailing slash', async () => {
    const canonical = await jsonOf(await get(t, '/application/o/confidential/.well-known/openid-configuration'));
    const res = await get(t, '/.well-known/oauth-authorization-server/application/o/confidential');
    expect(res.status).toBe(200);
    expect(await jsonOf(res)).toEqual(canonical);
  });

  it('answers 404 JSON for an unknown slug', async () => {
    const res = await get(t, '/application/o/nope/.well-known/openid-configuration');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await jsonOf(res)).toEqual({
      error: 'invalid_request',
      error_description: 'no application with this slug',
      request_id: res.headers.get('x-request-id'),
    });
  });

  it('answers 404 JSON for an unknown slug at the RFC 8414 well-known path', async () => {
    const res = await get(t, '/.well-known/oauth-authorization-server/application/o/nope/');
    expect(res.status).toBe(404);
    expect((await jsonOf(res)).error).toBe('invalid_request');
  });

  it('redirects the application root to its discovery document', async () => {
    const res = await get(t, '/application/o/confidential/');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/application/o/confidential/.well-known/openid-configuration');
  });

  it('leaves paths it does not own to the rest of the app', async () => {
    const res = await get(t, '/application/o/confidential/unknown');
    expect(res.status).toBe(404);
    expect(res.headers.get('x-request-id')).toBeNull();
  });
});

describe('JWKS', () => {
  it('publishes the public signing key with kid, alg and use, and no private members', async () => {
    const res = await get(t, '/application/o/confidential/jwks/');
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const { keys } = await jsonOf(res);
    expect(keys).toHaveLength(1);
    const { d: _d, ...publicJwk } = t.signingKey.privateJwk;
    expect(keys[0]).toEqual({ ...publicJwk, kid: t.signingKey.kid, alg: 'ES256', use: 'sig' });
    expect(Object.keys(keys[0]).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
    expect(keys[0]).not.toHaveProperty('d');
  });

  it('answers the JWKS without the trailing slash', async () => {
    const res = await get(t, '/application/o/confidential/jwks');
    expect(res.status).toBe(200);
    expect((await jsonOf(res)).keys[0].kid).toBe(t.signingKey.kid);
  });

  it('publishes keys that verify the ID tokens of the application', async () => {
    const { keys } = await jsonOf(await get(t, '/application/o/confidential/jwks/'));
    const tokens = await obtainTokens(t, clients.confidential);
    const { protectedHeader } = await jwtVerify(tokens.id_token!, createLocalJWKSet({ keys }), {
      issuer: t.issuer('confidential'),
      audience: clients.confidential.clientId,
    });
    expect(protectedHeader).toEqual({ alg: 'ES256', typ: 'JWT', kid: t.signingKey.kid });
  });

  it('answers 404 JSON for the JWKS of an unknown slug', async () => {
    const res = await get(t, '/application/o/nope/jwks/');
    expect(res.status).toBe(404);
    expect(await jsonOf(res)).toEqual({
      error: 'invalid_request',
      error_description: 'no application with this slug',
      request_id: res.headers.get('x-request-id'),
    });
  });
});
