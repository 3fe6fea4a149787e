// The revocation endpoint (RFC 7009): access tokens one by one, refresh tokens with their whole
// grant (§2.1), token_type_hint as a hint only, 200 for every token the caller cannot or need not
// revoke (§2.2), client authentication as the client type requires (§2.1), strict HTTP.
import { digestToken, type AuditEvent } from '@gatehouse/core';
import { manualClock, type ManualClock } from '@gatehouse/core/testing';
import { decodeJwt } from 'jose';
import {
  basicAuthorization,
  clients,
  customClient,
  get,
  jsonOf,
  obtainTokens,
  pkcePair,
  postForm,
  startTestServer,
  testUser,
  tokenRequest,
  userinfo,
  type Json,
  type Params,
  type TestClient,
  type TestServer,
} from '../fixtures.js';

const revokePath = '/application/o/revoke/';
const offline = 'openid profile email offline_access';
const { client: app, application } = customClient('revoke-app');
const { client: rival, application: rivalApplication } = customClient('revoke-rival');
const publicClient = clients.public;

let t: TestServer;
let clock: ManualClock;
beforeAll(async () => {
  clock = manualClock(1_800_000_000);
  t = await startTestServer({ clock, applications: [application, rivalApplication] });
});
afterAll(() => t.close());

type Tokens = Json & { access_token: string; refresh_token: string };

async function grant(c: TestClient = app): Promise<Tokens> {
  return (await obtainTokens(t, c, { scope: offline })) as unknown as Tokens;
}

async function publicGrant(): Promise<Tokens> {
  const { verifier, challenge } = pkcePair();
  const res = await fetch(
    `${t.baseUrl}/application/o/authorize/?${new URLSearchParams({
      response_type: 'code',
      client_id: publicClient.clientId,
      redirect_uri: publicClient.redirectUri,
      scope: offline,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    })}`,
    { redirect: 'manual', headers: { 'x-test-user': 'user-1' } },
  );
  const code = new URL(res.headers.get('location')!).searchParams.get('code')!;
  const tokens = await tokenRequest(t, publicClient, { grant_type: 'authorization_code', code, redirect_uri: publicClient.redirectUri, code_verifier: verifier }, 'none');
  expect(tokens.status).toBe(200);
  return (await tokens.json()) as Tokens;
}

/** POST /revoke as `c` with Basic authentication (form client_id only for public clients). */
function revoke(c: TestClient, params: Params): Promise<Response> {
  if (c.secret === undefined) return postForm(t, revokePath, { client_id: c.clientId, ...params });
  return postForm(t, revokePath, params, { headers: { authorization: basicAuthorization(c.clientId, c.secret) } });
}

/** RFC 7009 §2.2: 200 with an empty JSON object, never cached. */
async function expectRevoked(res: Response): Promise<void> {
  expect({ status: res.status, body: await res.text() }).toEqual({ status: 200, body: '{}' });
  expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
  expect(res.headers.get('cache-control')).toBe('no-store');
  expect(res.headers.get('pragma')).toBe('no-cache');
}

async function expectError(res: Response, status: number, error: string, description: string): Promise<void> {
  expect({ status: res.status, body: await jsonOf(res) }).toEqual({
    status,
    body: { error, error_description: description, request_id: res.headers.get('x-request-id') },
  });
  expect(res.headers.get('cache-control')).toBe('no-store');
}

const userinfoStatus = async (accessToken: string) => (await userinfo(t, accessToken)).status;
const refresh = (c: TestClient, refreshToken: string) => tokenRequest(t, c, { grant_type: 'refresh_token', refresh_token: refreshToken });
const refreshStatus = async (c: TestClient, refreshToken: string) => {
  const res = await refresh(c, refreshToken);
  return { status: res.status, error: (await jsonOf(res))['error'] };
};
const ok = { status: 200, error: undefined };
const refused = { status: 400, error: 'invalid_grant' };
const tokenRevokedEvents = (): AuditEvent[] => t.stores.recordedEvents.filter((event) => event.action === 'token_revoked');
const accessRecord = (accessToken: string) => t.stores.accessTokens.find(decodeJwt(accessToken).jti as string, clock.now());

describe('access tokens', () => {
  it.each([
    ['without a hint', {}],
    ['with token_type_hint=access_token', { token_type_hint: 'access_token' }],
    ['with the wrong hint refresh_token', { token_type_hint: 'refresh_token' }],
    ['with an unknown hint', { token_type_hint: 'id_token' }],
  ])('revokes only that token %s: userinfo 401, the rest of the grant still works', async (_name, hint) => {
    const first = await grant();
    const second = (await jsonOf(await refresh(app, first.refresh_token))) as Tokens;
    expect(await userinfoStatus(first.access_token)).toBe(200);
    const events = tokenRevokedEvents().length;

    await expectRevoked(await revoke(app, { token: first.access_token, ...hint }));

    const res = await userinfo(t, first.access_token);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="gatehouse", error="invalid_token", error_description="the access token has been revoked or has expired"');
    expect((await accessRecord(first.access_token))!.revokedAt).toBe(clock.now());
    // Its grant lives on: the other access token and the current refresh token work.
    expect(await userinfoStatus(second.access_token)).toBe(200);
    expect(await refreshStatus(app, second.refresh_token)).toEqual(ok);
    // Audited as the revocation of that one token, not of its grant.
    expect(tokenRevokedEvents().slice(events)).toEqual([
      expect.objectContaining({ applicationId: 'app-revoke-app', userId: testUser.id, context: { reason: 'access_token_revoked', jti: decodeJwt(first.access_token).jti } }),
    ]);
  });

  it('revokes an access token without any refresh token (no offline_access)', async () => {
    const tokens = await obtainTokens(t, app, { scope: 'openid profile' });
    await expectRevoked(await revoke(app, { token: tokens.access_token }));
    expect(await userinfoStatus(tokens.access_token)).toBe(401);
  });
});

describe('refresh tokens', () => {
  it.each([
    ['with token_type_hint=refresh_token', { token_type_hint: 'refresh_token' }],
    ['without a hint', {}],
    ['with the wrong hint access_token', { token_type_hint: 'access_token' }],
  ])('revokes its grant %s: every access and refresh token of it stops working', async (_name, hint) => {
    const first = await grant();
    const second = (await jsonOf(await refresh(app, first.refresh_token))) as Tokens;
    const unrelated = await grant();
    const grantId = (await t.stores.refreshTokens.find(digestToken(second.refresh_token), clock.now()))!.grantId;
    const events = tokenRevokedEvents().length;

    const res = await revoke(app, { token: second.refresh_token, ...hint });
    const requestId = res.headers.get('x-request-id');
    await expectRevoked(res);

    expect(await userinfoStatus(first.access_token)).toBe(401);
    expect(await userinfoStatus(second.access_token)).toBe(401);
    expect(await refreshStatus(app, second.refresh_token)).toEqual(refused);
    expect(await refreshStatus(app, first.refresh_token)).toEqual(refused);
    expect((await t.stores.grants.find(grantId))!.revokedAt).toBe(clock.now());
    // Another grant of the same user and client is untouched.
    expect(await userinfoStatus(unrelated.access_token)).toBe(200);
    expect(await refreshStatus(app, unrelated.refresh_token)).toEqual(ok);

    expect(tokenRevokedEvents().slice(events)).toEqual([
      { action: 'token_revoked', at: clock.now(), applicationId: application.id, requestId, context: { reason: 'refresh_token_revoked', grantId } },
    ]);
  });

  it('revokes the grant when an already rotated refresh token of it is presented', async () => {
    const first = await grant();
    const second = (await jsonOf(await refresh(app, first.refresh_token))) as Tokens;
    await expectRevoked(await revoke(app, { token: first.refresh_token, token_type_hint: 'refresh_token' }));
    expect(await userinfoStatus(second.access_token)).toBe(401);
    expect(await refreshStatus(app, second.refresh_token)).toEqual(refused);
  });

  it('lets a public client revoke its own refresh token by client_id alone', async () => {
    const tokens = await publicGrant();
    await expectRevoked(await revoke(publicClient, { token: tokens.refresh_token, token_type_hint: 'refresh_token' }));
    expect(await userinfoStatus(tokens.access_token)).toBe(401);
    const res = await tokenRequest(t, publicClient, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token }, 'none');
    expect(res.status).toBe(400);
  });

  it('lets a public client revoke its own access token', async () => {
    const tokens = await publicGrant();
    await expectRevoked(await revoke(publicClient, { token: tokens.access_token }));
    expect(await userinfoStatus(tokens.access_token)).toBe(401);
  });
});

describe('tokens the caller cannot or need not revoke: 200 {}', () => {
  it.each([
    ['an unknown token', 'x'.repeat(43)],
    ['garbage', 'not a token at all!'],
    ['a JWT-shaped string', 'eyJhbGciOiJub25lIn0.eyJqdGkiOiJ4In0.'],
  ])('answers 200 for %s', async (_name, token) => {
    await expectRevoked(await revoke(app, { token }));
    await expectRevoked(await revoke(app, { token, token_type_hint: 'refresh_token' }));
  });

  it('answers 200 for an already revoked access token and refresh token, recording no second revocation', async () => {
    const tokens = await grant();
    await expectRevoked(await revoke(app, { token: tokens.access_token }));
    await expectRevoked(await revoke(app, { token: tokens.access_token }));
    await expectRevoked(await revoke(app, { token: tokens.refresh_token }));
    const events = tokenRevokedEvents().length;
    const grantId = (await t.stores.refreshTokens.find(digestToken(tokens.refresh_token), clock.now()))!.grantId;
    const revokedAt = (await t.stores.grants.find(grantId))!.revokedAt;
    clock.advance(5);
    await expectRevoked(await revoke(app, { token: tokens.refresh_token }));
    // The first revocation stands as it was.
    expect((await t.stores.grants.find(grantId))!.revokedAt).toBe(revokedAt);
    expect(tokenRevokedEvents()).toHaveLength(events);
  });

  it('answers 200 for an expired access token and an expired refresh token', async () => {
    const tokens = await grant();
    const grantId = (await t.stores.refreshTokens.find(digestToken(tokens.refresh_token), clock.now()))!.grantId;
    const events = tokenRevokedEvents().length;
    clock.advance(application.refreshTokenValiditySeconds + 1);
    await expectRevoked(await revoke(app, { token: tokens.access_token }));
    await expectRevoked(await revoke(app, { token: tokens.refresh_token, token_type_hint: 'refresh_token' }));
    expect((await t.stores.grants.find(grantId))!.revokedAt).toBeNull();
    expect(tokenRevokedEvents()).toHaveLength(events);
  });

  it.each([
    ['access token', 'access_token'],
    ['refresh token', 'refresh_token'],
  ] as const)("answers 200 for another client's %s and leaves it working", async (_name, kind) => {
    const tokens = await grant(app);
    const events = tokenRevokedEvents().length;
    await expectRevoked(await revoke(rival, { token: tokens[kind] }));
    await expectRevoked(await revoke(rival, { token: tokens[kind], token_type_hint: kind }));
    await expectRevoked(await revoke(publicClient, { token: tokens[kind] }));
    expect(await userinfoStatus(tokens.access_token)).toBe(200);
    expect(await refreshStatus(app, tokens.refresh_token)).toEqual(ok);
    expect(tokenRevokedEvents()).toHaveLength(events);
  });
});

describe('client authentication', () => {
  it('refuses a request without client authentication with 401 invalid_client', async () => {
    const tokens = await grant();
    const res = await postForm(t, revokePath, { token: tokens.access_token });
    expect(res.headers.get('www-authenticate')).toBe('Basic realm="gatehouse", charset="UTF-8"');
    await expectError(res, 401, 'invalid_client', 'client authentication is required');
    expect(await userinfoStatus(tokens.access_token)).toBe(200);
  });

  it('refuses a wrong secret with 401 invalid_client and revokes nothing', async () => {
    const tokens = await grant();
    const res = await postForm(t, revokePath, { token: tokens.refresh_token }, { headers: { authorization: basicAuthorization(app.clientId, 'wrong') } });
    expect(res.headers.get('www-authenticate')).toBe('Basic realm="gatehouse", charset="UTF-8"');
    await expectError(res, 401, 'invalid_client', 'client authentication failed');
    expect(await userinfoStatus(tokens.access_token)).toBe(200);
    expect(await refreshStatus(app, tokens.refresh_token)).toEqual(ok);
  });

  it('refuses a confidential client that sends only its client_id', async () => {
    const tokens = await grant();
    await expectError(await postForm(t, revokePath, { token: tokens.access_token, client_id: app.clientId }), 401, 'invalid_client', 'client authentication is required');
    expect(await userinfoStatus(tokens.access_token)).toBe(200);
  });

  it('refuses an unknown client', async () => {
    await expectError(
      await postForm(t, revokePath, { token: 'x' }, { headers: { authorization: basicAuthorization('nobody', 'secret') } }),
      401,
      'invalid_client',
      'client authentication failed',
    );
  });

  it('accepts client_secret_post', async () => {
    const tokens = await grant();
    await expectRevoked(await postForm(t, revokePath, { token: tokens.access_token, client_id: app.clientId, client_secret: app.secret! }));
    expect(await userinfoStatus(tokens.access_token)).toBe(401);
  });

  it('refuses a public client that sends a secret', async () => {
    await expectError(
      await postForm(t, revokePath, { token: 'x', client_id: publicClient.clientId, client_secret: 'guess' }),
      401,
      'invalid_client',
      'public clients authenticate with client_id only',
    );
  });
});

describe('HTTP', () => {
  it('answers a missing token with 400 invalid_request', async () => {
    await expectError(await revoke(app, {}), 400, 'invalid_request', 'token is required');
    await expectError(await revoke(app, { token_type_hint: 'access_token' }), 400, 'invalid_request', 'token is required');
  });

  it('answers GET with 405 and Allow: POST', async () => {
    const res = await get(t, revokePath);
    expect(res.headers.get('allow')).toBe('POST, OPTIONS');
    await expectError(res, 405, 'invalid_request', 'GET is not allowed here');
  });

  it('refuses a repeated token parameter', async () => {
    const res = await postForm(t, revokePath, 'token=a&token=b', { headers: { authorization: basicAuthorization(app.clientId, app.secret!) } });
    await expectError(res, 400, 'invalid_request', 'parameter token is repeated');
  });

  it('refuses a body that is not form-encoded', async () => {
    const res = await fetch(`${t.baseUrl}${revokePath}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: basicAuthorization(app.clientId, app.secret!) },
      body: JSON.stringify({ token: 'x' }),
    });
    await expectError(res, 400, 'invalid_request', 'the request body must be application/x-www-form-urlencoded');
  });

  it('is served without the trailing slash too', async () => {
    const tokens = await grant();
    const res = await fetch(`${t.baseUrl}/application/o/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuthorization(app.clientId, app.secret!) },
      body: new URLSearchParams({ token: tokens.access_token }),
    });
    await expectRevoked(res);
    expect(await userinfoStatus(tokens.access_token)).toBe(401);
  });
});
