// The introspection endpoint (RFC 7662): confidential clients (or a bearer token with the
// gatehouse:introspect scope) learn what their own tokens, and those of the applications they
// federate with, are; everything else, revoked, expired, rotated and foreign tokens included, is
// exactly {"active":false} (§2.2). Public clients may not ask (§4).
import { digestToken, type User } from '@gatehouse/core';
import { makeUser, manualClock, type ManualClock } from '@gatehouse/core/testing';
import { decodeJwt } from 'jose';
import {
  basicAuthorization,
  clients,
  customClient,
  get,
  jsonOf,
  obtainTokens,
  postForm,
  startTestServer,
  testUser,
  tokenRequest,
  type Json,
  type Params,
  type RequestOptions,
  type TestClient,
  type TestServer,
} from '../fixtures.js';

const introspectPath = '/application/o/introspect/';
const revokePath = '/application/o/revoke/';
const offline = 'openid profile email offline_access';

/** Owns the tokens under test. */
const { client: owner, application: ownerApplication } = customClient('intro-owner');
/** Another confidential application that does not federate with the owner. */
const { client: rival, application: rivalApplication } = customClient('intro-rival');
/** Federates with the owner: may read its tokens. */
const { client: federated, application: federatedApplication } = customClient('intro-federated', { jwtFederationProviders: ['intro-owner'] });
/** Its tokens may carry the introspection scope; it federates with the owner as well. */
const { client: resourceServer, application: resourceServerApplication } = customClient('intro-rs', {
  scopes: ['openid', 'profile', 'gatehouse:introspect'],
  jwtFederationProviders: ['intro-owner'],
});

const carol: User = makeUser({ id: 'user-carol', uuid: '3c1e2d4f-5a6b-4c7d-8e9f-a0b1c2d3e4f5', username: 'carol', name: 'Carol', email: 'carol@example.com' });
const dave: User = makeUser({ id: 'user-dave', uuid: '4d2f3e5a-6b7c-4d8e-9fa0-b1c2d3e4f5a6', username: 'dave', name: 'Dave', email: 'dave@example.com' });
const erin: User = makeUser({ id: 'user-erin', uuid: '5e3a4f6b-7c8d-4e9f-a0b1-c2d3e4f5a6b7', username: 'erin', name: 'Erin', email: 'erin@example.com' });

let t: TestServer;
let clock: ManualClock;
beforeAll(async () => {
  clock = manualClock(1_800_000_000);
  t = await startTestServer({
    clock,
    users: [carol, dave, erin],
    applications: [ownerApplication, rivalApplication, federatedApplication, resourceServerApplication],
  });
});
afterAll(() => t.close());

type Tokens = Json & { access_token: string; refresh_token: string; id_token: string };

const grant = async (c: TestClient = owner, options: RequestOptions = {}, scope = offline): Promise<Tokens> =>
  (await obtainTokens(t, c, { scope }, options)) as unknown as Tokens;

/** POST /introspect authenticated as `c` with Basic (or with `authorization` as given). */
function introspect(c: TestClient | null, params: Params, authorization?: string): Promise<Response> {
  const header = authorization ?? (c?.secret !== undefined ? basicAuthorization(c.clientId, c.secret) : undefined);
  const body = c !== null && c.secret === undefined && authorization === undefined ? { client_id: c.clientId, ...params } : params;
  return postForm(t, introspectPath, body, header !== undefined ? { headers: { authorization: header } } : {});
}

/** A 200 answer, never cached: its body. */
async function answer(res: Response): Promise<Json> {
  const body = await jsonOf(res);
  expect({ status: res.status, error: body['error_description'] }).toEqual({ status: 200, error: undefined });
  expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
  expect(res.headers.get('cache-control')).toBe('no-store');
  expect(res.headers.get('pragma')).toBe('no-cache');
  return body;
}

/** Exactly `{"active":false}`, byte for byte. */
async function expectInactive(res: Response): Promise<void> {
  expect({ status: res.status, body: await res.text() }).toEqual({ status: 200, body: '{"active":false}' });
  expect(res.headers.get('cache-control')).toBe('no-store');
}

async function expectError(res: Response, status: number, error: string, description: string): Promise<void> {
  expect({ status: res.status, body: await jsonOf(res) }).toEqual({
    status,
    body: { error, error_description: description, request_id: res.headers.get('x-request-id') },
  });
  expect(res.headers.get('cache-control')).toBe('no-store');
}

/** What introspection must say about the access token of `tokens`, owned by `c` (slug `slug`). */
function accessTokenAnswer(c: TestClient, slug: string, tokens: Tokens, username = testUser.username, scope = offline) {
  const claims = decodeJwt(tokens.access_token);
  const idToken = decodeJwt(tokens.id_token);
  return {
    active: true,
    scope,
    client_id: c.clientId,
    username,
    token_type: 'Bearer',
    exp: clock.now() + 3600,
    iat: clock.now(),
    sub: idToken.sub,
    aud: c.clientId,
    iss: t.issuer(slug),
    jti: claims.jti,
  };
}

function refreshTokenAnswer(c: TestClient, slug: string, tokens: Tokens, issuedAt = clock.now()) {
  return {
    active: true,
    scope: offline,
    client_id: c.clientId,
    username: testUser.username,
    token_type: 'refresh_token',
    exp: issuedAt + ownerApplication.refreshTokenValiditySeconds,
    iat: issuedAt,
    sub: decodeJwt(tokens.id_token).sub,
    aud: c.clientId,
    iss: t.issuer(slug),
  };
}

const refresh = (c: TestClient, refreshToken: string) => tokenRequest(t, c, { grant_type: 'refresh_token', refresh_token: refreshToken });

describe('active tokens of the caller', () => {
  it('describes an access token with exactly active, scope, client_id, username, token_type, exp, iat, sub, aud, iss, jti', async () => {
    const tokens = await grant();
    const body = await answer(await introspect(owner, { token: tokens.access_token }));
    expect(Object.keys(body).sort()).toEqual(['active', 'aud', 'client_id', 'exp', 'iat', 'iss', 'jti', 'scope', 'sub', 'token_type', 'username']);
    expect(body).toEqual(accessTokenAnswer(owner, 'intro-owner', tokens));
    // The same values the token itself carries.
    const claims = decodeJwt(tokens.access_token);
    expect({ exp: body['exp'], iat: body['iat'], sub: body['sub'], jti: body['jti'], scope: body['scope'] }).toEqual({
      exp: claims.exp,
      iat: claims.iat,
      sub: claims.sub,
      jti: claims.jti,
      scope: claims['scope'],
    });
  });

  it('describes a refresh token with token_type refresh_token', async () => {
    const tokens = await grant();
    const body = await answer(await introspect(owner, { token: tokens.refresh_token }));
    expect(body).toEqual(refreshTokenAnswer(owner, 'intro-owner', tokens));
  });

  it.each([
    ['access_token', 'access_token', 'Bearer'],
    ['access_token', 'refresh_token', 'Bearer'],
    ['refresh_token', 'refresh_token', 'refresh_token'],
    ['refresh_token', 'access_token', 'refresh_token'],
    ['refresh_token', 'unknown_type', 'refresh_token'],
  ] as const)('finds a %s with token_type_hint=%s', async (kind, hint, tokenType) => {
    const tokens = await grant();
    const body = await answer(await introspect(owner, { token: tokens[kind], token_type_hint: hint }));
    expect({ active: body['active'], token_type: body['token_type'] }).toEqual({ active: true, token_type: tokenType });
  });

  it('describes the scope of a narrower access token', async () => {
    const tokens = await grant(owner, {}, 'openid email');
    expect(await answer(await introspect(owner, { token: tokens.access_token }))).toEqual(accessTokenAnswer(owner, 'intro-owner', tokens, 'alice', 'openid email'));
  });

  it('accepts client_secret_post', async () => {
    const tokens = await grant();
    const res = await postForm(t, introspectPath, { token: tokens.access_token, client_id: owner.clientId, client_secret: owner.secret! });
    expect((await answer(res))['active']).toBe(true);
  });
});

describe('inactive tokens: exactly {"active":false}', () => {
  it('answers so for garbage, an unknown opaque token and an ID token', async () => {
    const tokens = await grant();
    for (const token of ['garbage', 'x'.repeat(43), tokens.id_token, `${tokens.access_token}x`]) {
      await expectInactive(await introspect(owner, { token }));
      await expectInactive(await introspect(owner, { token, token_type_hint: 'refresh_token' }));
    }
  });

  it('answers so for a revoked access token, the rest of the grant staying active', async () => {
    const tokens = await grant();
    const revoked = await postForm(t, revokePath, { token: tokens.access_token }, { headers: { authorization: basicAuthorization(owner.clientId, owner.secret!) } });
    expect(revoked.status).toBe(200);
    await expectInactive(await introspect(owner, { token: tokens.access_token }));
    expect((await answer(await introspect(owner, { token: tokens.refresh_token })))['active']).toBe(true);
  });

  it('answers so for a revoked refresh token and the access tokens of its grant', async () => {
    const tokens = await grant();
    const revoked = await postForm(t, revokePath, { token: tokens.refresh_token }, { headers: { authorization: basicAuthorization(owner.clientId, owner.secret!) } });
    expect(revoked.status).toBe(200);
    await expectInactive(await introspect(owner, { token: tokens.refresh_token }));
    await expectInactive(await introspect(owner, { token: tokens.refresh_token, token_type_hint: 'refresh_token' }));
    await expectInactive(await introspect(owner, { token: tokens.access_token }));
  });

  it('answers so for a refresh token whose grant was revoked without the token itself being marked', async () => {
    const tokens = await grant();
    const record = (await t.stores.refreshTokens.find(digestToken(tokens.refresh_token), clock.now()))!;
    await t.stores.grants.revoke(record.grantId, clock.now());
    await expectInactive(await introspect(owner, { token: tokens.refresh_token }));
  });

  it('answers so for a rotated refresh token; its successor is active', async () => {
    const first = await grant();
    clock.advance(5);
    const second = (await jsonOf(await refresh(owner, first.refresh_token))) as Tokens;
    await expectInactive(await introspect(owner, { token: first.refresh_token }));
    expect(await answer(await introspect(owner, { token: second.refresh_token }))).toEqual(refreshTokenAnswer(owner, 'intro-owner', second));
    // The first access token is still valid: rotation does not revoke it.
    expect((await answer(await introspect(owner, { token: first.access_token })))['active']).toBe(true);
  });

  it('answers so for an expired access token, and later for an expired refresh token', async () => {
    const tokens = await grant();
    const issuedAt = clock.now();
    clock.advance(3599);
    expect((await answer(await introspect(owner, { token: tokens.access_token })))['active']).toBe(true);
    clock.advance(1);
    await expectInactive(await introspect(owner, { token: tokens.access_token }));
    expect(await answer(await introspect(owner, { token: tokens.refresh_token }))).toEqual(refreshTokenAnswer(owner, 'intro-owner', tokens, issuedAt));
    clock.advance(ownerApplication.refreshTokenValiditySeconds);
    await expectInactive(await introspect(owner, { token: tokens.refresh_token }));
  });

  it('answers so for the tokens of a deactivated user, and again once the user is active', async () => {
    const tokens = await grant(owner, { user: carol.id });
    expect((await answer(await introspect(owner, { token: tokens.access_token })))['username']).toBe('carol');
    await t.stores.users.save({ ...carol, isActive: false });
    await expectInactive(await introspect(owner, { token: tokens.access_token }));
    await expectInactive(await introspect(owner, { token: tokens.refresh_token }));
    await t.stores.users.save(carol);
    expect((await answer(await introspect(owner, { token: tokens.access_token })))['active']).toBe(true);
  });

  it('answers so for the tokens of an expired user account', async () => {
    const tokens = await grant(owner, { user: dave.id });
    await t.stores.users.save({ ...dave, expiresAt: clock.now() });
    await expectInactive(await introspect(owner, { token: tokens.access_token }));
    await expectInactive(await introspect(owner, { token: tokens.refresh_token }));
  });
});

describe('tokens of other applications', () => {
  it.each(['access_token', 'refresh_token'] as const)('answers {"active":false} for the %s of an application the caller does not federate with', async (kind) => {
    const tokens = await grant();
    await expectInactive(await introspect(rival, { token: tokens[kind] }));
    await expectInactive(await introspect(rival, { token: tokens[kind], token_type_hint: kind }));
    // The owner's view of the same token is unaffected.
    expect((await answer(await introspect(owner, { token: tokens[kind] })))['active']).toBe(true);
  });

  it('answers {"active":false} to the owner for the tokens of an application it is federated by (federation is one-way)', async () => {
    const tokens = await grant(federated);
    await expectInactive(await introspect(owner, { token: tokens.access_token }));
    await expectInactive(await introspect(owner, { token: tokens.refresh_token }));
  });

  it("describes the owner's access token to an application federating with it, with the owner's client_id", async () => {
    const tokens = await grant();
    expect(await answer(await introspect(federated, { token: tokens.access_token }))).toEqual(accessTokenAnswer(owner, 'intro-owner', tokens));
  });

  it("describes the owner's refresh token to an application federating with it, with the owner's client_id", async () => {
    const tokens = await grant();
    expect(await answer(await introspect(federated, { token: tokens.refresh_token }))).toEqual(refreshTokenAnswer(owner, 'intro-owner', tokens));
  });

  it('answers {"active":false} to the federating application once the token is revoked', async () => {
    const tokens = await grant();
    await postForm(t, revokePath, { token: tokens.refresh_token }, { headers: { authorization: basicAuthorization(owner.clientId, owner.secret!) } });
    await expectInactive(await introspect(federated, { token: tokens.access_token }));
    await expectInactive(await introspect(federated, { token: tokens.refresh_token }));
  });
});

describe('who may ask', () => {
  it('refuses a public client with 401 invalid_client', async () => {
    const tokens = await grant();
    const res = await postForm(t, introspectPath, { token: tokens.access_token, client_id: clients.public.clientId });
    expect(res.headers.get('www-authenticate')).toBe('Basic realm="gatehouse", charset="UTF-8"');
    await expectError(res, 401, 'invalid_client', 'public clients may not introspect tokens');
  });

  it('refuses a wrong secret with 401 invalid_client', async () => {
    const tokens = await grant();
    await expectError(await introspect(null, { token: tokens.access_token }, basicAuthorization(owner.clientId, 'wrong')), 401, 'invalid_client', 'client authentication failed');
  });

  it('refuses a request without any authentication with 401 invalid_client', async () => {
    const tokens = await grant();
    await expectError(await introspect(null, { token: tokens.access_token }), 401, 'invalid_client', 'client authentication is required');
  });

  it('refuses a confidential client that sends its client_id only', async () => {
    const tokens = await grant();
    await expectError(
      await postForm(t, introspectPath, { token: tokens.access_token, client_id: owner.clientId }),
      401,
      'invalid_client',
      'client authentication is required',
    );
  });

  describe('with a bearer token', () => {
    it('accepts a token with the gatehouse:introspect scope, reading its own application and those it federates with', async () => {
      const bearer = await grant(resourceServer, {}, 'openid gatehouse:introspect');
      expect(decodeJwt(bearer.access_token)['scope']).toBe('openid gatehouse:introspect');
      const own = await grant(resourceServer, {}, 'openid profile');
      const owners = await grant();
      const asBearer = (token: string) => introspect(null, { token }, `Bearer ${bearer.access_token}`);
      expect(await answer(await asBearer(own.access_token))).toEqual(accessTokenAnswer(resourceServer, 'intro-rs', own, 'alice', 'openid profile'));
      expect(await answer(await asBearer(owners.access_token))).toEqual(accessTokenAnswer(owner, 'intro-owner', owners));
      expect(await answer(await asBearer(owners.refresh_token))).toEqual(refreshTokenAnswer(owner, 'intro-owner', owners));
      await expectInactive(await asBearer((await grant(rival)).access_token));
    });

    it('refuses a bearer token without the scope with 401', async () => {
      const bearer = await grant(resourceServer, {}, 'openid profile');
      const tokens = await grant();
      await expectError(
        await introspect(null, { token: tokens.access_token }, `Bearer ${bearer.access_token}`),
        401,
        'invalid_client',
        'the bearer token lacks the gatehouse:introspect scope',
      );
    });

    it('refuses a revoked, expired or made-up bearer token with 401', async () => {
      const tokens = await grant();
      const revoked = await grant(resourceServer, {}, 'openid gatehouse:introspect');
      await postForm(t, revokePath, { token: revoked.access_token }, { headers: { authorization: basicAuthorization(resourceServer.clientId, resourceServer.secret!) } });
      await expectError(await introspect(null, { token: tokens.access_token }, `Bearer ${revoked.access_token}`), 401, 'invalid_client', 'the bearer token is invalid');
      await expectError(await introspect(null, { token: tokens.access_token }, 'Bearer made-up'), 401, 'invalid_client', 'the bearer token is invalid');

      const expiring = await grant(resourceServer, {}, 'openid gatehouse:introspect');
      clock.advance(3600);
      const fresh = await grant();
      await expectError(await introspect(null, { token: fresh.access_token }, `Bearer ${expiring.access_token}`), 401, 'invalid_client', 'the bearer token is invalid');
    });

    it('refuses the bearer token of a deactivated user with 401', async () => {
      const tokens = await grant();
      const bearer = await grant(resourceServer, { user: erin.id }, 'openid gatehouse:introspect');
      expect((await answer(await introspect(null, { token: tokens.access_token }, `Bearer ${bearer.access_token}`)))['active']).toBe(true);
      await t.stores.users.save({ ...erin, isActive: false });
      await expectError(await introspect(null, { token: tokens.access_token }, `Bearer ${bearer.access_token}`), 401, 'invalid_client', 'the bearer token is invalid');
    });
  });
});

describe('HTTP', () => {
  it('answers a missing token with 400 invalid_request', async () => {
    await expectError(await introspect(owner, {}), 400, 'invalid_request', 'token is required');
  });

  it('answers GET with 405 and Allow: POST', async () => {
    const res = await get(t, introspectPath);
    expect(res.headers.get('allow')).toBe('POST, OPTIONS');
    await expectError(res, 405, 'invalid_request', 'GET is not allowed here');
  });

  it('refuses a repeated token parameter', async () => {
    const res = await postForm(t, introspectPath, 'token=a&token=b', { headers: { authorization: basicAuthorization(owner.clientId, owner.secret!) } });
    await expectError(res, 400, 'invalid_request', 'parameter token is repeated');
  });
});
