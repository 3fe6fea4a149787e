// The refresh_token grant (RFC 6749 §6, OIDC Core §12, behaviour spec §3.4 and edge cases 29-32,
// issue 5): issued only with offline_access, rotated on every use (or near expiry with a
// threshold), reuse of a rotated token after the grace window revokes the whole grant, concurrent
// refreshes with one token share one successor, narrowed scopes apply to the new tokens.
import { digestToken, type AuditEvent, type User } from '@gatehouse/core';
import { manualClock, makeUser, type ManualClock } from '@gatehouse/core/testing';
import { decodeJwt } from 'jose';
import {
  basicAuthorization,
  clients,
  customClient,
  jsonOf,
  obtainTokens,
  pkcePair,
  exchangeCode,
  obtainCode,
  postForm,
  startTestServer,
  testUser,
  tokenPath,
  tokenRequest,
  userinfo,
  verifyJwt,
  type ClientAuth,
  type Json,
  type Params,
  type RequestOptions,
  type TestClient,
  type TestServer,
} from '../fixtures.js';
import { expectInvalidClient, expectTokenError } from '../token-helpers.js';

const offline = 'openid profile email offline_access';
const { client: app, application: appApplication } = customClient('refresh-app');
const { client: otherApp, application: otherApplication } = customClient('refresh-other');
/** Refresh tokens valid 600 s, for expiry. */
const { client: shortLived, application: shortLivedApplication } = customClient('refresh-short', { refreshTokenValiditySeconds: 600 });
/** authentik's edge case 32: threshold one hour, refresh tokens valid two hours. */
const { client: thresholdApp, application: thresholdApplication } = customClient('refresh-threshold', {
  refreshTokenThresholdSeconds: 3600,
  refreshTokenValiditySeconds: 7200,
});
/** offline_access is not among its scopes. */
const { client: onlineOnly, application: onlineOnlyApplication } = customClient('refresh-online', { scopes: ['openid', 'profile', 'email'] });
const publicClient = clients.public;

const dora: User = makeUser({ id: 'user-dora', uuid: '1d8f7c2e-5b6a-4c3d-8e9f-0a1b2c3d4e5f', username: 'dora', name: 'Dora', email: 'dora@example.com' });

let t: TestServer;
let clock: ManualClock;
beforeAll(async () => {
  clock = manualClock(1_800_000_000);
  t = await startTestServer({
    clock,
    users: [dora],
    applications: [appApplication, otherApplication, shortLivedApplication, thresholdApplication, onlineOnlyApplication],
  });
});
afterAll(() => t.close());

type Tokens = Json & { access_token: string; refresh_token: string; scope: string; id_token?: string };
/** A token response as the refresh tests read it (`refresh_token` is checked where it matters). */
const tokensOf = (body: object): Tokens => body as Tokens;

/** The code flow of `c` with offline_access (unless told otherwise): its token response. */
async function grant(c: TestClient = app, extra: Params = {}, options: RequestOptions = {}): Promise<Tokens> {
  const tokens = tokensOf(await obtainTokens(t, c, { scope: offline, ...extra }, options));
  return tokens;
}

function refresh(c: TestClient, refreshToken: string, extra: Params = {}, auth: ClientAuth = 'basic'): Promise<Response> {
  return tokenRequest(t, c, { grant_type: 'refresh_token', refresh_token: refreshToken, ...extra }, auth);
}

/** A refresh that must succeed: its body. */
async function refreshed(c: TestClient, refreshToken: string, extra: Params = {}): Promise<Tokens> {
  const res = await refresh(c, refreshToken, extra);
  const body = await jsonOf(res);
  expect({ status: res.status, error: body['error_description'] }).toEqual({ status: 200, error: undefined });
  return body as Tokens;
}

/** RFC 7662 introspection of `token` by the client it was issued to. */
const introspect = async (token: string): Promise<Json> =>
  jsonOf(await postForm(t, '/application/o/introspect/', { token }, { headers: { authorization: basicAuthorization(app.clientId, app.secret!) } }));
const record = (refreshToken: string) => t.stores.refreshTokens.find(digestToken(refreshToken), clock.now());
const suspicious = (): AuditEvent[] => t.stores.recordedEvents.filter((event) => event.action === 'suspicious_request');
const grantIdOf = async (refreshToken: string): Promise<string> => (await record(refreshToken))!.grantId;

describe('issuance', () => {
  it('issues no refresh token when offline_access was not asked for', async () => {
    const tokens = await obtainTokens(t, app, { scope: 'openid profile email' });
    expect(Object.keys(tokens).sort()).toEqual(['access_token', 'expires_in', 'id_token', 'scope', 'token_type']);
    expect(tokens.scope).toBe('openid profile email');
  });

  it('issues no refresh token when the application may not grant offline_access', async () => {
    const tokens = await obtainTokens(t, onlineOnly, { scope: offline });
    expect(Object.keys(tokens).sort()).toEqual(['access_token', 'expires_in', 'id_token', 'scope', 'token_type']);
    expect(tokens.scope).toBe('openid profile email');
  });

  it('issues a refresh token with offline_access, stored as a digest of its own family', async () => {
    const tokens = await grant();
    expect(Object.keys(tokens).sort()).toEqual(['access_token', 'expires_in', 'id_token', 'refresh_token', 'scope', 'token_type']);
    expect(tokens.scope).toBe(offline);
    expect(tokens.refresh_token).toMatch(/^[\w-]{43}$/);
    expect(await record(tokens.refresh_token)).toEqual({
      tokenDigest: digestToken(tokens.refresh_token),
      grantId: expect.any(String),
      familyId: expect.any(String),
      applicationId: appApplication.id,
      userId: testUser.id,
      scopes: ['openid', 'profile', 'email', 'offline_access'],
      issuedAt: clock.now(),
      expiresAt: clock.now() + appApplication.refreshTokenValiditySeconds,
      rotatedAt: null,
      replacedBy: null,
      revokedAt: null,
    });
  });
});

describe('rotation', () => {
  it('answers a refresh with a new access token, ID token and refresh token; the old one is marked rotated', async () => {
    const first = await grant();
    clock.advance(10);
    const res = await refresh(app, first.refresh_token);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const second = (await jsonOf(res)) as Tokens;
    expect(Object.keys(second).sort()).toEqual(['access_token', 'expires_in', 'id_token', 'refresh_token', 'scope', 'token_type']);
    expect(second).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: offline });
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.access_token).not.toBe(first.access_token);

    const old = (await record(first.refresh_token))!;
    const successor = (await record(second.refresh_token))!;
    expect(old).toMatchObject({ rotatedAt: clock.now(), replacedBy: digestToken(second.refresh_token), revokedAt: null });
    expect(successor).toMatchObject({
      grantId: old.grantId,
      familyId: old.familyId,
      scopes: old.scopes,
      issuedAt: clock.now(),
      expiresAt: clock.now() + appApplication.refreshTokenValiditySeconds,
      rotatedAt: null,
      replacedBy: null,
      revokedAt: null,
    });
    // The new access token works; so does the old one (rotation is not revocation).
    expect((await userinfo(t, second.access_token)).status).toBe(200);
    expect((await userinfo(t, first.access_token)).status).toBe(200);
  });

  it('rotates again with every use, along the chain', async () => {
    const first = await grant();
    const seen = new Set([first.refresh_token]);
    let current = first.refresh_token;
    for (let i = 0; i < 3; i++) {
      clock.advance(10);
      const next = await refreshed(app, current);
      expect(seen.has(next.refresh_token)).toBe(false);
      seen.add(next.refresh_token);
      current = next.refresh_token;
    }
    expect(seen.size).toBe(4);
    expect(suspicious()).toEqual([]);
  });

  it('refreshes with client_secret_post as well', async () => {
    const first = await grant();
    const res = await refresh(app, first.refresh_token, {}, 'post');
    expect(res.status).toBe(200);
    expect((await jsonOf(res))['refresh_token']).toEqual(expect.any(String));
  });

  it('refreshes a public client with its client_id only', async () => {
    const { verifier, challenge } = pkcePair();
    const code = await obtainCode(t, publicClient, { scope: offline, code_challenge: challenge, code_challenge_method: 'S256' });
    const first = (await jsonOf(await exchangeCode(t, publicClient, code, { code_verifier: verifier }, 'none'))) as Tokens;
    expect(first.refresh_token).toEqual(expect.any(String));
    const res = await refresh(publicClient, first.refresh_token, {}, 'none');
    const body = (await jsonOf(res)) as Tokens;
    expect(res.status).toBe(200);
    expect(body.refresh_token).not.toBe(first.refresh_token);
  });
});

describe('rotation threshold (refreshTokenThresholdSeconds)', () => {
  it('keeps the old token until less than the threshold is left, then rotates it', async () => {
    const first = await grant(thresholdApp);
    const initial = (await record(first.refresh_token))!;

    // Two hours left of a one-hour threshold: no new refresh token, the old one stays current.
    clock.advance(60);
    const early = await refreshed(thresholdApp, first.refresh_token);
    expect(Object.keys(early).sort()).toEqual(['access_token', 'expires_in', 'id_token', 'scope', 'token_type']);
    expect(await record(first.refresh_token)).toEqual(initial);
    const again = await refreshed(thresholdApp, first.refresh_token);
    expect(again['refresh_token']).toBeUndefined();
    expect((await userinfo(t, again.access_token)).status).toBe(200);

    // 70 minutes after issue: 50 minutes left, under the threshold: rotated now.
    clock.advance(70 * 60 - 60);
    const late = await refreshed(thresholdApp, first.refresh_token);
    expect(late.refresh_token).toEqual(expect.any(String));
    expect(late.refresh_token).not.toBe(first.refresh_token);
    expect(await record(first.refresh_token)).toMatchObject({ rotatedAt: clock.now(), replacedBy: digestToken(late.refresh_token) });
    expect(await record(late.refresh_token)).toMatchObject({ expiresAt: clock.now() + 7200, rotatedAt: null });

    // The successor has two hours again: not rotated on its next use.
    clock.advance(60);
    const after = await refreshed(thresholdApp, late.refresh_token);
    expect(after['refresh_token']).toBeUndefined();
  });

  it('rotates only once strictly less than the threshold is left', async () => {
    const first = await grant(thresholdApp);
    // Exactly the threshold left: not yet.
    clock.advance(3600);
    expect((await refreshed(thresholdApp, first.refresh_token))['refresh_token']).toBeUndefined();
    clock.advance(1);
    expect((await refreshed(thresholdApp, first.refresh_token))['refresh_token']).toEqual(expect.any(String));
  });
});

describe('reuse of a rotated token', () => {
  it('revokes the whole grant after the grace window: invalid_grant, a suspicious_request event, every token of it dead', async () => {
    const first = await grant();
    const grantId = await grantIdOf(first.refresh_token);
    clock.advance(10);
    const second = await refreshed(app, first.refresh_token);
    const before = suspicious().length;
    for (const token of [first.access_token, second.access_token, second.refresh_token]) expect((await introspect(token))['active']).toBe(true);

    clock.advance(6);
    await expectTokenError(await refresh(app, first.refresh_token), 400, 'invalid_grant', 'the refresh token was already used');
    // Introspection (RFC 7662) calls every token of the grant inactive at once.
    for (const token of [first.access_token, second.access_token, second.refresh_token]) expect(await introspect(token)).toEqual({ active: false });
    expect(suspicious().slice(before)).toEqual([
      { action: 'suspicious_request', at: clock.now(), applicationId: appApplication.id, requestId: expect.any(String), context: { reason: 'refresh_token_reused', grantId } },
    ]);
    expect((await t.stores.grants.find(grantId))!.revokedAt).toBe(clock.now());

    // The access tokens minted before (by the code and by the refresh) stop working at userinfo.
    for (const accessToken of [first.access_token, second.access_token]) {
      const res = await userinfo(t, accessToken);
      expect(res.status).toBe(401);
      expect((await jsonOf(res))['error']).toBe('invalid_token');
    }
    // So does the successor refresh token, and using it is recorded as suspicious too.
    await expectTokenError(await refresh(app, second.refresh_token), 400, 'invalid_grant', 'the refresh token has been revoked');
    expect(suspicious().slice(before + 1)).toEqual([
      {
        action: 'suspicious_request',
        at: clock.now(),
        applicationId: appApplication.id,
        requestId: expect.any(String),
        context: { reason: 'revoked refresh token used', grantId },
      },
    ]);
    expect(await record(second.refresh_token)).toMatchObject({ revokedAt: clock.now() });
    // And the original token, again.
    await expectTokenError(await refresh(app, first.refresh_token), 400, 'invalid_grant', 'the refresh token has been revoked');
  });

  it('leaves other grants of the same user and client alone', async () => {
    const victim = await grant();
    const bystander = await grant();
    await refreshed(app, victim.refresh_token);
    clock.advance(6);
    await expectTokenError(await refresh(app, victim.refresh_token), 400, 'invalid_grant');
    expect((await userinfo(t, bystander.access_token)).status).toBe(200);
    expect((await refreshed(app, bystander.refresh_token)).refresh_token).toEqual(expect.any(String));
  });

  it('answers the same successor within the grace window (default 5 s), without revoking anything', async () => {
    const first = await grant();
    clock.advance(10);
    const second = await refreshed(app, first.refresh_token);
    const before = suspicious().length;

    clock.advance(2);
    const retry = await refreshed(app, first.refresh_token);
    expect(retry.refresh_token).toBe(second.refresh_token);
    expect(retry.access_token).not.toBe(second.access_token);
    // Exactly at the end of the window, still the same successor.
    clock.advance(3);
    expect((await refreshed(app, first.refresh_token)).refresh_token).toBe(second.refresh_token);
    expect(suspicious().length).toBe(before);

    // Every access token still works, and the successor rotates normally.
    for (const accessToken of [first.access_token, second.access_token, retry.access_token]) expect((await userinfo(t, accessToken)).status).toBe(200);
    const third = await refreshed(app, second.refresh_token);
    expect(third.refresh_token).not.toBe(second.refresh_token);

    // One second after the window: reuse.
    clock.advance(1);
    await expectTokenError(await refresh(app, first.refresh_token), 400, 'invalid_grant', 'the refresh token was already used');
    expect(suspicious().length).toBe(before + 1);
    expect((await userinfo(t, third.access_token)).status).toBe(401);
  });

  it('honours a configured grace window (refreshTokenGraceSeconds)', async () => {
    const graceClock = manualClock(1_800_000_000);
    const { client: c, application } = customClient('refresh-grace');
    const server = await startTestServer({ clock: graceClock, applications: [application], settings: { refreshTokenGraceSeconds: 30 } });
    try {
      const first = tokensOf(await obtainTokens(server, c, { scope: offline }));
      const rt = (token: string) => tokenRequest(server, c, { grant_type: 'refresh_token', refresh_token: token });
      const second = (await jsonOf(await rt(first.refresh_token))) as Tokens;
      graceClock.advance(30);
      const retry = await rt(first.refresh_token);
      expect(retry.status).toBe(200);
      expect(((await jsonOf(retry)) as Tokens).refresh_token).toBe(second.refresh_token);
      graceClock.advance(1);
      await expectTokenError(await rt(first.refresh_token), 400, 'invalid_grant', 'the refresh token was already used');
      expect(server.stores.recordedEvents.filter((event) => event.action === 'suspicious_request')).toHaveLength(1);
    } finally {
      await server.close();
    }
  });
});

describe('concurrent refreshes', () => {
  it('20 concurrent refreshes of one token all succeed with the same single successor', async () => {
    const first = await grant();
    const grantId = await grantIdOf(first.refresh_token);
    clock.advance(10);
    const before = suspicious().length;
    const responses = await Promise.all(Array.from({ length: 20 }, () => refresh(app, first.refresh_token)));
    const bodies = (await Promise.all(responses.map((res) => jsonOf(res)))) as Tokens[];
    expect(responses.map((res) => res.status)).toEqual(Array(20).fill(200));
    const successors = new Set(bodies.map((body) => body.refresh_token));
    expect(successors.size).toBe(1);
    const [successor] = [...successors] as [string];
    expect(successor).not.toBe(first.refresh_token);
    // Every response has its own access token, and each works.
    expect(new Set(bodies.map((body) => body.access_token)).size).toBe(20);
    for (const body of bodies) expect((await userinfo(t, body.access_token)).status).toBe(200);

    expect(await record(first.refresh_token)).toMatchObject({ rotatedAt: clock.now(), replacedBy: digestToken(successor), revokedAt: null });
    expect(await record(successor)).toMatchObject({ grantId, rotatedAt: null, replacedBy: null, revokedAt: null });
    expect(suspicious().length).toBe(before);
    expect((await t.stores.grants.find(grantId))!.revokedAt).toBeNull();
    // The one successor carries on.
    const next = await refreshed(app, successor);
    expect(next.refresh_token).not.toBe(successor);
  });

  it('20 concurrent reuses of a rotated token after the grace window all fail and the grant is revoked', async () => {
    const first = await grant();
    const grantId = await grantIdOf(first.refresh_token);
    const second = await refreshed(app, first.refresh_token);
    clock.advance(6);
    const before = suspicious().length;
    const responses = await Promise.all(Array.from({ length: 20 }, () => refresh(app, first.refresh_token)));
    const bodies = await Promise.all(responses.map((res) => jsonOf(res)));
    expect(responses.map((res) => res.status)).toEqual(Array(20).fill(400));
    expect(new Set(bodies.map((body) => body['error']))).toEqual(new Set(['invalid_grant']));
    expect((await t.stores.grants.find(grantId))!.revokedAt).toBe(clock.now());
    expect(suspicious().length).toBeGreaterThan(before);
    await expectTokenError(await refresh(app, second.refresh_token), 400, 'invalid_grant');
  });
});

describe('scope', () => {
  it('applies a narrowed scope to the new access token, and the next refresh may ask for the original scope', async () => {
    const first = await grant();
    const narrowed = await refreshed(app, first.refresh_token, { scope: 'openid profile' });
    expect(narrowed.scope).toBe('openid profile');
    expect(decodeJwt(narrowed.access_token)['scope']).toBe('openid profile');
    expect(narrowed.id_token).toEqual(expect.any(String));
    const claims = await jsonOf(await userinfo(t, narrowed.access_token));
    expect(claims['preferred_username']).toBe('alice');
    expect(claims['email']).toBeUndefined();
    // The refresh token keeps the scope of the grant.
    expect((await record(narrowed.refresh_token))!.scopes).toEqual(['openid', 'profile', 'email', 'offline_access']);

    const full = await refreshed(app, narrowed.refresh_token, { scope: offline });
    expect(full.scope).toBe(offline);
    expect(decodeJwt(full.access_token)['scope']).toBe(offline);
    expect((await jsonOf(await userinfo(t, full.access_token)))['email']).toBe('alice@example.com');
    // Without a scope, the refresh token's own scope.
    const again = await refreshed(app, full.refresh_token);
    expect(again.scope).toBe(offline);
  });

  it('issues no ID token when openid is narrowed away', async () => {
    const first = await grant();
    const narrowed = await refreshed(app, first.refresh_token, { scope: 'profile email' });
    expect(Object.keys(narrowed).sort()).toEqual(['access_token', 'expires_in', 'refresh_token', 'scope', 'token_type']);
    expect(narrowed.scope).toBe('profile email');
    const res = await userinfo(t, narrowed.access_token);
    expect(res.status).toBe(403);
    expect((await jsonOf(res))['error']).toBe('insufficient_scope');
    const next = await refreshed(app, narrowed.refresh_token, { scope: 'openid email' });
    expect(next.id_token).toEqual(expect.any(String));
    expect(next.scope).toBe('openid email');
  });

  it('refuses a scope wider than the grant with invalid_scope, without rotating the token', async () => {
    const first = await grant(app, { scope: 'openid email offline_access' });
    await expectTokenError(await refresh(app, first.refresh_token, { scope: 'openid profile' }), 400, 'invalid_scope', 'the refresh token was not granted profile');
    await expectTokenError(await refresh(app, first.refresh_token, { scope: 'openid unknown' }), 400, 'invalid_scope', 'the refresh token was not granted unknown');
    expect(await record(first.refresh_token)).toMatchObject({ rotatedAt: null, revokedAt: null });
    expect((await refreshed(app, first.refresh_token)).scope).toBe('openid email offline_access');
  });
});

describe('refused refreshes', () => {
  it('refuses a refresh token of another client with invalid_grant and leaves it alone', async () => {
    const first = await grant();
    await expectTokenError(await refresh(otherApp, first.refresh_token), 400, 'invalid_grant', 'the refresh token is invalid or has expired');
    expect(await record(first.refresh_token)).toMatchObject({ rotatedAt: null, revokedAt: null });
    expect((await refreshed(app, first.refresh_token)).refresh_token).toEqual(expect.any(String));
  });

  it('refuses an expired refresh token with invalid_grant', async () => {
    const expiring = tokensOf(await obtainTokens(t, shortLived, { scope: offline }));
    const almost = tokensOf(await obtainTokens(t, shortLived, { scope: offline }));
    clock.advance(599);
    expect((await refreshed(shortLived, almost.refresh_token)).refresh_token).toEqual(expect.any(String));
    clock.advance(1);
    await expectTokenError(await refresh(shortLived, expiring.refresh_token), 400, 'invalid_grant', 'the refresh token is invalid or has expired');
  });

  it('refuses an unknown refresh token with invalid_grant and a missing one with invalid_request', async () => {
    await expectTokenError(await refresh(app, 'not-a-refresh-token'), 400, 'invalid_grant', 'the refresh token is invalid or has expired');
    await expectTokenError(await tokenRequest(t, app, { grant_type: 'refresh_token' }), 400, 'invalid_request', 'refresh_token is required');
  });

  it('refuses an access token or an ID token presented as a refresh token', async () => {
    const first = await grant();
    await expectTokenError(await refresh(app, first.access_token), 400, 'invalid_grant');
    await expectTokenError(await refresh(app, first.id_token!), 400, 'invalid_grant');
  });

  it('refuses the refresh token of a deactivated user with invalid_grant', async () => {
    const first = await grant(app, {}, { user: dora.id });
    expect((await refreshed(app, first.refresh_token)).refresh_token).toEqual(expect.any(String));
    const second = await grant(app, {}, { user: dora.id });
    await t.stores.users.save({ ...dora, isActive: false });
    try {
      await expectTokenError(await refresh(app, second.refresh_token), 400, 'invalid_grant', 'the user of this refresh token is no longer active');
    } finally {
      await t.stores.users.save(dora);
    }
  });

  it('refuses a refresh token whose grant was revoked with invalid_grant', async () => {
    const first = await grant();
    await t.stores.grants.revoke(await grantIdOf(first.refresh_token), clock.now());
    await expectTokenError(await refresh(app, first.refresh_token), 400, 'invalid_grant', 'the grant of this refresh token has been revoked');
  });

  it('still requires client authentication: a wrong secret is 401 invalid_client and does not use up the token', async () => {
    const first = await grant();
    const wrong = { ...app, secret: 'wrong-secret' };
    await expectInvalidClient(await refresh(wrong, first.refresh_token));
    await expectInvalidClient(await refresh(wrong, first.refresh_token, {}, 'post'));
    await expectInvalidClient(await refresh(app, first.refresh_token, {}, 'none'));
    await expectInvalidClient(await postForm(t, tokenPath, { grant_type: 'refresh_token', refresh_token: first.refresh_token }));
    expect(await record(first.refresh_token)).toMatchObject({ rotatedAt: null, revokedAt: null });
    expect((await refreshed(app, first.refresh_token)).refresh_token).toEqual(expect.any(String));
  });
});

describe('the refreshed ID token', () => {
  it('keeps the original auth_time, amr and sid, carries no nonce and binds the new access token', async () => {
    const authTime = clock.now() - 500;
    const first = await grant(app, { nonce: 'n-0S6_WzA2Mj' }, { authTime, amr: ['pwd'], sessionId: 'session-42' });
    const original = await verifyJwt(t, app.slug, first.id_token!, { audience: app.clientId });
    expect(original.payload).toMatchObject({ nonce: 'n-0S6_WzA2Mj', auth_time: authTime });

    clock.advance(120);
    const second = await refreshed(app, first.refresh_token);
    const { payload } = await verifyJwt(t, app.slug, second.id_token!, { audience: app.clientId });
    expect(payload['nonce']).toBeUndefined();
    expect(payload).toMatchObject({
      sub: original.payload.sub,
      auth_time: authTime,
      amr: ['pwd'],
      sid: original.payload['sid'],
      iat: clock.now(),
      exp: clock.now() + 3600,
      email: 'alice@example.com',
    });
    expect(payload['jti']).not.toBe(original.payload['jti']);
    expect(payload['at_hash']).not.toBe(original.payload['at_hash']);
    const access = await verifyJwt(t, app.slug, second.access_token, { audience: app.clientId, typ: 'at+jwt' });
    expect(access.payload).toMatchObject({ sub: original.payload.sub, auth_time: authTime, iat: clock.now(), scope: offline, client_id: app.clientId });
  });
});
