// OpenID Connect Back-Channel Logout 1.0: a logout token POSTed to each relying party of the
// ending session, verified here against the application's JWKS as a relying party would,
// delivered in the background and retried with exponential backoff.
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { sessionSid } from '@gatehouse/core';
import { customClient, get, locationOf, obtainTokens, startTestServer, testUser, type TestServer } from '../fixtures.js';
import { claimsOf, endSession, eventually, immediateScheduler, startRelyingParty, type RelyingParty } from './logout.fixtures.js';

const backchannelEvent = 'http://schemas.openid.net/event/backchannel-logout';
const logoutRedirect = { type: 'logout' as const, matchingMode: 'strict' as const };

interface Setup {
  readonly t: TestServer;
  readonly rp: RelyingParty;
  readonly delays: readonly number[];
}

/** A server whose applications `rp-a` (ES256) and `rp-hs` (HS256) notify `rp`, and `rp-quiet` has no back-channel URI. */
async function setup(statuses: readonly number[] = [200], settings: { backchannelLogoutTimeoutSeconds?: number } = {}, hold?: Promise<void>): Promise<Setup> {
  const rp = await startRelyingParty(statuses, hold);
  const scheduler = immediateScheduler();
  const rpA = customClient('rp-a', { backchannelLogoutUri: rp.url('/a/backchannel'), redirectUris: [{ matchingMode: 'strict', url: 'https://rp-a.example.com/cb', type: 'authorization' }, { ...logoutRedirect, url: 'https://rp-a.example.com/bye' }] });
  const rpHs = customClient('rp-hs', { backchannelLogoutUri: rp.url('/hs/backchannel'), signingKey: null, hmacSecret: 'rp-hs-secret' });
  const quiet = customClient('rp-quiet');
  const t = await startTestServer({ applications: [rpA.application, rpHs.application, quiet.application], scheduler, settings });
  return { t, rp, delays: scheduler.delays };
}

const events = (t: TestServer, action: string) => t.stores.recordedEvents.filter((event) => event.action === action);

describe('back-channel logout', () => {
  let s: Setup;
  afterEach(async () => {
    await s.t.server.backchannelLogoutSettled();
    await Promise.all([s.t.close(), s.rp.close()]);
  });

  it("POSTs a logout token with exactly the spec's claims to every relying party of the session, verifiable with its JWKS", async () => {
    s = await setup();
    const { t, rp } = s;
    const sessionId = 'browser-session-1';
    const session = { user: testUser.id, sessionId };
    const a = await obtainTokens(t, customClient('rp-a').client, {}, session);
    const hs = await obtainTokens(t, customClient('rp-hs').client, {}, session);
    await obtainTokens(t, customClient('rp-quiet').client, {}, session);
    // A grant of another session of the same user is not part of this logout.
    await obtainTokens(t, customClient('rp-a').client, {}, { user: testUser.id, sessionId: 'browser-session-2' });

    const res = await endSession(t, 'rp-a', { id_token_hint: a.id_token!, post_logout_redirect_uri: 'https://rp-a.example.com/bye', state: 'st' }, session);
    expect(res.status).toBe(302);
    expect(locationOf(res).href).toBe('https://rp-a.example.com/bye?state=st');
    await t.server.backchannelLogoutSettled();

    expect(rp.received.map((request) => request.path).sort()).toEqual(['/a/backchannel', '/hs/backchannel']);
    const toA = rp.received.find((request) => request.path === '/a/backchannel')!;
    expect(toA.contentType).toBe('application/x-www-form-urlencoded');
    expect([...toA.body.keys()]).toEqual(['logout_token']);
    const token = toA.body.get('logout_token')!;
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'ES256', typ: 'logout+jwt', kid: t.signingKey.kid });

    const jwks = (await (await get(t, '/application/o/rp-a/jwks/')).json()) as JSONWebKeySet;
    const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), { issuer: t.issuer('rp-a'), audience: 'rp-a-client', typ: 'logout+jwt', currentDate: new Date(t.clock.now() * 1000) });
    const idToken = claimsOf(a.id_token!);
    expect(payload).toEqual({
      iss: t.issuer('rp-a'),
      aud: 'rp-a-client',
      iat: expect.any(Number),
      exp: payload.iat! + 120,
      jti: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      events: { [backchannelEvent]: {} },
      sub: idToken['sub'],
      sid: sessionSid(sessionId),
    });
    expect(payload['sid']).toBe(idToken['sid']);
    expect(payload).not.toHaveProperty('nonce');

    const toHs = rp.received.find((request) => request.path === '/hs/backchannel')!.body.get('logout_token')!;
    expect(decodeProtectedHeader(toHs)).toEqual({ alg: 'HS256', typ: 'logout+jwt' });
    const hsClaims = (await jwtVerify(toHs, new TextEncoder().encode('rp-hs-secret'), { issuer: t.issuer('rp-hs'), audience: 'rp-hs-client', typ: 'logout+jwt' })).payload;
    expect(hsClaims).toMatchObject({ sub: claimsOf(hs.id_token!)['sub'], sid: sessionSid(sessionId), events: { [backchannelEvent]: {} } });

    expect(events(t, 'backchannel_logout_sent').map((event) => [event.applicationId, event.context?.['attempts'], event.context?.['status']]).sort()).toEqual([
      ['app-rp-a', 1, 200],
      ['app-rp-hs', 1, 200],
    ]);
    expect(events(t, 'backchannel_logout_failed')).toEqual([]);
  });

  it('retries after a 500 from the relying party, waiting longer each time', async () => {
    s = await setup([500, 503, 200]);
    const { t, rp } = s;
    const session = { user: testUser.id, sessionId: 'retry-session' };
    const a = await obtainTokens(t, customClient('rp-a').client, {}, session);
    expect((await endSession(t, 'rp-a', { id_token_hint: a.id_token! }, session)).status).toBe(200);
    await t.server.backchannelLogoutSettled();
    expect(rp.received).toHaveLength(3);
    // The first delivery is immediate (but asynchronous), then 2 s, then 4 s.
    expect(s.delays).toEqual([0, 2, 4]);
    // Every attempt carries a fresh token of the same session.
    const tokens = rp.received.map((request) => claimsOf(request.body.get('logout_token')!));
    expect(new Set(tokens.map((claims) => claims['jti'])).size).toBe(3);
    expect(new Set(tokens.map((claims) => claims['sid']))).toEqual(new Set([sessionSid('retry-session')]));
    expect(events(t, 'backchannel_logout_sent')).toEqual([expect.objectContaining({ applicationId: 'app-rp-a', context: expect.objectContaining({ attempts: 3, status: 200 }) })]);
  });

  it('gives up after the configured attempts and records the failure', async () => {
    s = await setup([500]);
    const { t, rp } = s;
    const session = { user: testUser.id, sessionId: 'failing-session' };
    const a = await obtainTokens(t, customClient('rp-a').client, {}, session);
    await endSession(t, 'rp-a', { id_token_hint: a.id_token! }, session);
    await t.server.backchannelLogoutSettled();
    expect(rp.received).toHaveLength(4);
    expect(s.delays).toEqual([0, 2, 4, 8]);
    expect(events(t, 'backchannel_logout_failed')).toEqual([
      expect.objectContaining({ applicationId: 'app-rp-a', context: expect.objectContaining({ attempts: 4, reason: 'HTTP 500', uri: rp.url('/a/backchannel') }) }),
    ]);
    expect(events(t, 'backchannel_logout_sent')).toEqual([]);
  });

  it('does not retry a 400: the relying party refused the token (Back-Channel Logout §2.8)', async () => {
    s = await setup([400, 200]);
    const { t, rp } = s;
    const session = { user: testUser.id, sessionId: 'refused-session' };
    const a = await obtainTokens(t, customClient('rp-a').client, {}, session);
    await endSession(t, 'rp-a', { id_token_hint: a.id_token! }, session);
    await t.server.backchannelLogoutSettled();
    expect(rp.received).toHaveLength(1);
    expect(events(t, 'backchannel_logout_failed')).toEqual([expect.objectContaining({ context: expect.objectContaining({ attempts: 1, reason: 'HTTP 400' }) })]);
  });

  it("never makes the user's logout wait for a relying party that hangs", async () => {
    let release!: () => void;
    const hold = new Promise<void>((resolve) => (release = resolve));
    s = await setup([200], { backchannelLogoutTimeoutSeconds: 0.2 }, hold);
    const { t, rp } = s;
    const session = { user: testUser.id, sessionId: 'slow-session' };
    const a = await obtainTokens(t, customClient('rp-a').client, {}, session);
    const res = await endSession(t, 'rp-a', { id_token_hint: a.id_token!, post_logout_redirect_uri: 'https://rp-a.example.com/bye' }, session);
    expect(res.status).toBe(302);
    expect(t.endedSessions.has('slow-session')).toBe(true);
    // The logout answered while the relying party still holds the first delivery.
    await eventually(() => (rp.received.length > 0 ? true : undefined));
    expect(events(t, 'backchannel_logout_sent')).toEqual([]);
    await eventually(() => (events(t, 'backchannel_logout_failed').length > 0 ? true : undefined));
    expect(events(t, 'backchannel_logout_failed')[0]!.context).toMatchObject({ attempts: 4 });
    release();
  });

  it('notifies nobody when the session has no grant of an application with a back-channel URI', async () => {
    s = await setup();
    const { t, rp } = s;
    const session = { user: testUser.id, sessionId: 'quiet-session' };
    const quiet = await obtainTokens(t, customClient('rp-quiet').client, {}, session);
    expect((await endSession(t, 'rp-quiet', { id_token_hint: quiet.id_token! }, session)).status).toBe(200);
    await t.server.backchannelLogoutSettled();
    expect(rp.received).toEqual([]);
    expect(events(t, 'backchannel_logout_sent')).toEqual([]);
  });
});
