// OpenID Connect RP-Initiated Logout 1.0 at /application/o/<slug>/end-session/: id_token_hint
// validation, post_logout_redirect_uri and state, the confirmation page, and revocation of the
// tokens of the session's grants.
import { createHash } from 'node:crypto';
import { exportJWK, generateKeyPair } from 'jose';
import {
  clients,
  customClient,
  get,
  jsonOf,
  locationOf,
  logoutUri,
  obtainTokens,
  otherUser,
  postForm,
  startTestServer,
  testUser,
  tokenRequest,
  userinfo,
  type TestServer,
} from '../fixtures.js';
import { answerConfirmation, claimsOf, confirmationFormOf, endSession, endSessionPath, signedIdToken } from './logout.fixtures.js';

const { confidential, other, hs256 } = clients;
const regexLogout = customClient('regex-logout', {
  redirectUris: [
    { matchingMode: 'strict', url: 'https://regex-logout.example.com/cb', type: 'authorization' },
    { matchingMode: 'regex', url: 'https://[a-z]+\\.regex-logout\\.example\\.com/bye', type: 'logout' },
  ],
});
const scriptable = customClient('scriptable', {
  // A `.*` logout entry matches anything: forbidden schemes must still be refused.
  redirectUris: [{ matchingMode: 'regex', url: '.*', type: 'logout' }],
});

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ applications: [regexLogout.application, scriptable.application] });
});
afterAll(() => t.close());

let sessions = 0;
/** A fresh browser session id, so each test's logout ends only its own session. */
const newSession = () => `session-${++sessions}-${Date.now()}`;

const signedIn = (sessionId: string, user = testUser.id) => ({ user, sessionId });

async function expectErrorPage(res: Response, status: number, text: RegExp): Promise<void> {
  expect(res.status).toBe(status);
  expect(res.headers.get('location')).toBeNull();
  expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
  expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  expect(await res.text()).toMatch(text);
}

describe('a valid id_token_hint of the signed-in user', () => {
  it('logs out at once and redirects to the registered logout URI with state', async () => {
    const sessionId = newSession();
    const tokens = await obtainTokens(t, confidential, {}, signedIn(sessionId));
    expect(claimsOf(tokens.id_token!)['sid']).toBe(createHash('sha256').update(sessionId).digest('hex'));
    const res = await endSession(t, confidential.slug, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: logoutUri, state: 'af0ifjsldkj &=' }, signedIn(sessionId));
    expect(res.status).toBe(302);
    const location = locationOf(res);
    expect(`${location.origin}${location.pathname}`).toBe(logoutUri);
    expect(location.searchParams.get('state')).toBe('af0ifjsldkj &=');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(t.endedSessions.has(sessionId)).toBe(true);
    expect(t.stores.recordedEvents).toContainEqual(expect.objectContaining({ action: 'logout', userId: testUser.id, applicationId: 'app-confidential' }));
  });

  it('accepts the hint and the other parameters in a POST form (303)', async () => {
    const sessionId = newSession();
    const tokens = await obtainTokens(t, confidential, {}, signedIn(sessionId));
    const res = await postForm(t, endSessionPath(confidential.slug), { id_token_hint: tokens.id_token!, post_logout_redirect_uri: logoutUri, state: 's1', client_id: confidential.clientId }, signedIn(sessionId));
    expect(res.status).toBe(303);
    expect(locationOf(res).href).toBe(`${logoutUri}?state=s1`);
    expect(t.endedSessions.has(sessionId)).toBe(true);
  });

  it('works without the trailing slash and shows the signed-out page without a redirect URI', async () => {
    const sessionId = newSession();
    const tokens = await obtainTokens(t, confidential, {}, signedIn(sessionId));
    const res = await get(t, `/application/o/confidential/end-session?${new URLSearchParams({ id_token_hint: tokens.id_token! })}`, signedIn(sessionId));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('You have been signed out');
    expect(t.endedSessions.has(sessionId)).toBe(true);
  });

  it('accepts an expired hint (RP-Initiated Logout §2)', async () => {
    const sessionId = newSession();
    const tokens = await obtainTokens(t, confidential, {}, signedIn(sessionId));
    const now = t.clock.now();
    const expired = await signedIdToken(t, { ...claimsOf(tokens.id_token!), iat: now - 86_400, exp: now - 82_800 });
    const res = await endSession(t, confidential.slug, { id_token_hint: expired, post_logout_redirect_uri: logoutUri, state: 'old' }, signedIn(sessionId));
    expect(res.status).toBe(302);
    expect(locationOf(res).href).toBe(`${logoutUri}?state=old`);
    expect(t.endedSessions.has(sessionId)).toBe(true);
  });

  it('accepts an HS256 hint signed with the client secret', async () => {
    const sessionId = newSession();
    const tokens = await obtainTokens(t, hs256, {}, signedIn(sessionId));
    const res = await endSession(t, hs256.slug, { id_token_hint: tokens.id_token! }, signedIn(sessionId));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('You have been signed out');
    expect(t.endedSessions.has(sessionId)).toBe(true);
  });

  it('matches a regex logout URI like authorization URIs', async () => {
    const sessionId = newSession();
    const tokens = await obtainTokens(t, regexLogout.client, {}, signedIn(sessionId));
    const target = 'https://tenant.regex-logout.example.com/bye';
    const res = await endSession(t, regexLogout.client.slug, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: target, state: 'r' }, signedIn(sessionId));
    expect(res.status).toBe(302);
    expect(locationOf(res).href).toBe(`${target}?state=r`);
  });

  it('redirects without ending anything when nobody is signed in', async () => {
    const tokens = await obtainTokens(t, confidential, {}, signedIn(newSession()));
    const res = await endSession(t, confidential.slug, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: logoutUri });
    expect(res.status).toBe(302);
    expect(locationOf(res).href).toBe(logoutUri);
    expect((await userinfo(t, tokens.access_token)).status).toBe(200);
  });
});

describe('an invalid id_token_hint is an error page, never a redirect', () => {
  it.each([
    ['signed by another key with our kid', async (claims: Record<string, unknown>) => {
      const { privateKey } = await generateKeyPair('ES256', { extractable: true });
      return signedIdToken(t, claims, { privateJwk: (await exportJWK(privateKey)) as Record<string, unknown>, kid: t.signingKey.kid });
    }],
    ['signed with an unknown kid', async (claims: Record<string, unknown>) => {
      const { privateKey } = await generateKeyPair('ES256', { extractable: true });
      return signedIdToken(t, claims, { privateJwk: (await exportJWK(privateKey)) as Record<string, unknown>, kid: 'unknown-kid' });
    }],
    ['issued to another audience', (claims: Record<string, unknown>) => signedIdToken(t, { ...claims, aud: other.clientId })],
    ['issued by another issuer', (claims: Record<string, unknown>) => signedIdToken(t, { ...claims, iss: t.issuer(other.slug) })],
    ['not a JWT', async () => 'not-a-jwt'],
    ['an access token', async (_claims: Record<string, unknown>, accessToken: string) => accessToken],
  ])('refuses a hint %s', async (_name, makeHint) => {
    const sessionId = newSession();
    const tokens = await obtainTokens(t, confidential, {}, signedIn(sessionId));
    const hint = await makeHint(claimsOf(tokens.id_token!), tokens.access_token);
    const res = await endSession(t, confidential.slug, { id_token_hint: hint, post_logout_redirect_uri: logoutUri, state: 'x' }, signedIn(sessionId));
    await expectErrorPage(res, 400, /id_token_hint is not a valid ID token of this application/);
    expect(t.endedSessions.has(sessionId)).toBe(false);
    expect((await userinfo(t, tokens.access_token)).status).toBe(200);
  });

  it("refuses another application's ID token at this application's endpoint", async () => {
    const sessionId = newSession();
    const tokens = await obtainTokens(t, other, {}, signedIn(sessionId));
    const res = await endSession(t, confidential.slug, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: logoutUri }, signedIn(sessionId));
    await expectErrorPage(res, 400, /not a valid ID token/);
    expect(t.endedSessions.has(sessionId)).toBe(false);
  });

  it('refuses a client_id of another application', async () => {
    const res = await endSession(t, confidential.slug, { client_id: other.clientId, post_logout_redirect_uri: logoutUri }, signedIn(newSession()));
    await expectErrorPage(res, 400, /client_id does not belong to this application/);
  });

  it('answers 404 for an unknown application', async () => {
    const res = await endSession(t, 'nope', {}, signedIn(newSession()));
    await expectErrorPage(res, 404, /no application with this slug/);
  });
});

describe('the confirmation page', () => {
  it('asks when the hint belongs to another user than the signed-in one', async () => {
    const bobSession = newSession();
    const bobTokens = await obtainTokens(t, confidential, {}, signedIn(bobSession, otherUser.id));
    const aliceSession = newSession();
    const res = await endSession(t, confidential.slug, { id_token_hint: bobTokens.id_token!, post_logout_redirect_uri: logoutUri }, signedIn(aliceSession));
    const form = await confirmationFormOf(res);
    expect(form.html).toContain('<strong>alice</strong>');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(t.endedSessions.has(aliceSession)).toBe(false);
    expect(t.endedSessions.has(bobSession)).toBe(false);
  });

  it('asks when a logout_hint names somebody else', async () => {
    const sessionId = newSession();
    const tokens = await obtainTokens(t, confidential, {}, signedIn(sessionId));
    const res = await endSession(t, confidential.slug, { id_token_hint: tokens.id_token!, logout_hint: otherUser.username }, signedIn(sessionId));
    await confirmationFormOf(res);
    expect(t.endedSessions.has(sessionId)).toBe(false);
  });

  it('asks without a hint; deny keeps the session and its tokens', async () => {
    const sessionId = newSession();
    const tokens = await obtainTokens(t, confidential, {}, signedIn(sessionId));
    const form = await confirmationFormOf(await endSession(t, confidential.slug, { client_id: confidential.clientId, post_logout_redirect_uri: logoutUri, state: 'z' }, signedIn(sessionId)));
    const res = await answerConfirmation(t, confidential.slug, form, 'deny', signedIn(sessionId));
    expect(res.status).toBe(200);
    expect(res.headers.get('location')).toBeNull();
    expect(await res.text()).toContain('You are still signed in');
    expect(t.endedSessions.has(sessionId)).toBe(false);
    expect((await userinfo(t, tokens.access_token)).status).toBe(200);
  });

  it('asks without a hint; allow signs out, revokes and redirects with state when client_id names the application', async () => {
    const sessionId = newSession();
    const tokens = await obtainTokens(t, confidential, {}, signedIn(sessionId));
    const form = await confirmationFormOf(await endSession(t, confidential.slug, { client_id: confidential.clientId, post_logout_redirect_uri: logoutUri, state: 'z' }, signedIn(sessionId)));
    const res = await answerConfirmation(t, confidential.slug, form, 'allow', signedIn(sessionId));
    expect(res.status).toBe(303);
    expect(locationOf(res).href).toBe(`${logoutUri}?state=z`);
    expect(t.endedSessions.has(sessionId)).toBe(true);
    expect((await userinfo(t, tokens.access_token)).status).toBe(401);
  });

  it('counts an answer once', async () => {
    const sessionId = newSession();
    const form = await confirmationFormOf(await endSession(t, confidential.slug, {}, signedIn(sessionId)));
    expect((await answerConfirmation(t, confidential.slug, form, 'deny', signedIn(sessionId))).status).toBe(200);
    await expectErrorPage(await answerConfirmation(t, confidential.slug, form, 'allow', signedIn(sessionId)), 400, /expired or was already answered/);
    expect(t.endedSessions.has(sessionId)).toBe(false);
  });

  it('refuses an answer without the CSRF token', async () => {
    const sessionId = newSession();
    const form = await confirmationFormOf(await endSession(t, confidential.slug, {}, signedIn(sessionId)));
    const res = await postForm(t, `${endSessionPath(confidential.slug)}confirm/`, { interaction: form.interaction, decision: 'allow' }, signedIn(sessionId));
    await expectErrorPage(res, 400, /the form has expired/);
    expect(t.endedSessions.has(sessionId)).toBe(false);
  });

  it("refuses another user's answer", async () => {
    const sessionId = newSession();
    const form = await confirmationFormOf(await endSession(t, confidential.slug, {}, signedIn(sessionId)));
    const res = await answerConfirmation(t, confidential.slug, form, 'allow', signedIn(newSession(), otherUser.id));
    await expectErrorPage(res, 400, /belongs to another session/);
  });
});

describe('post_logout_redirect_uri', () => {
  it.each([
    ['an unregistered URI', 'https://evil.example.com/bye'],
    ['an authorization-type redirect URI', confidential.redirectUri],
    ['a registered logout URI with another query', `${logoutUri}?x=1`],
  ])('does not redirect to %s', async (_name, uri) => {
    const sessionId = newSession();
    const tokens = await obtainTokens(t, confidential, {}, signedIn(sessionId));
    const res = await endSession(t, confidential.slug, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: uri, state: 's' }, signedIn(sessionId));
    expect(res.status).toBe(200);
    expect(res.headers.get('location')).toBeNull();
    const html = await res.text();
    expect(html).toContain('You have been signed out');
    expect(html).not.toContain('evil.example.com');
    expect(t.endedSessions.has(sessionId)).toBe(true);
  });

  it('is not used when neither a hint nor client_id names the application', async () => {
    const sessionId = newSession();
    const form = await confirmationFormOf(await endSession(t, confidential.slug, { post_logout_redirect_uri: logoutUri, state: 's' }, signedIn(sessionId)));
    const res = await answerConfirmation(t, confidential.slug, form, 'allow', signedIn(sessionId));
    expect(res.status).toBe(200);
    expect(res.headers.get('location')).toBeNull();
    expect(t.endedSessions.has(sessionId)).toBe(true);
  });

  it.each(['javascript:alert(document.domain)', 'data:text/html,<script>alert(1)</script>', 'vbscript:msgbox(1)'])('refuses %s even when a regex matches it', async (uri) => {
    const sessionId = newSession();
    const tokens = await obtainTokens(t, scriptable.client, {}, signedIn(sessionId));
    const res = await endSession(t, scriptable.client.slug, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: uri }, signedIn(sessionId));
    await expectErrorPage(res, 400, /post_logout_redirect_uri uses a forbidden scheme/);
    expect(t.endedSessions.has(sessionId)).toBe(false);
  });
});

describe("revocation of the session's tokens", () => {
  it('revokes the access and refresh tokens of every grant of the session, and keeps other sessions', async () => {
    const sessionId = newSession();
    const otherSession = newSession();
    const scope = 'openid profile email offline_access';
    const ended = await obtainTokens(t, confidential, { scope }, signedIn(sessionId));
    const sameSessionOtherApp = await obtainTokens(t, other, { scope }, signedIn(sessionId));
    const kept = await obtainTokens(t, confidential, { scope }, signedIn(otherSession));
    const bobs = await obtainTokens(t, confidential, { scope }, signedIn(newSession(), otherUser.id));

    const res = await endSession(t, confidential.slug, { id_token_hint: ended.id_token!, post_logout_redirect_uri: logoutUri }, signedIn(sessionId));
    expect(res.status).toBe(302);

    for (const tokens of [ended, sameSessionOtherApp]) {
      expect((await userinfo(t, tokens.access_token)).status).toBe(401);
      const refreshed = await tokenRequest(t, tokens === ended ? confidential : other, { grant_type: 'refresh_token', refresh_token: (tokens as unknown as { refresh_token: string }).refresh_token });
      expect(refreshed.status).toBe(400);
      expect((await jsonOf(refreshed)).error).toBe('invalid_grant');
    }
    for (const tokens of [kept, bobs]) expect((await userinfo(t, tokens.access_token)).status).toBe(200);
    const refreshedKept = await tokenRequest(t, confidential, { grant_type: 'refresh_token', refresh_token: (kept as unknown as { refresh_token: string }).refresh_token });
    expect(refreshedKept.status).toBe(200);
    expect(t.endedSessions.has(otherSession)).toBe(false);
  });
});

describe('discovery', () => {
  it('advertises the end-session endpoint and back-channel logout with sid', async () => {
    const metadata = await jsonOf(await get(t, '/application/o/confidential/.well-known/openid-configuration'));
    expect(metadata).toMatchObject({
      end_session_endpoint: `${t.baseUrl}/application/o/confidential/end-session/`,
      backchannel_logout_supported: true,
      backchannel_logout_session_supported: true,
    });
  });
});
