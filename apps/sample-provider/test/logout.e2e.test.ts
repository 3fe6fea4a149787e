// RP-initiated and back-channel logout end to end: openid-client v6 signs in through the real
// login and consent pages, builds an end-session URL that the provider honours, and a relying
// party's back-channel endpoint receives the logout token.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as client from 'openid-client';
import { Browser } from './browser.js';
import { callback, person } from './e2e.fixtures.js';
import { fetchJwks, protectedHeader, verifyWithJwks } from './jose-checks.js';
import { startProvider, type RunningProvider } from './provider-harness.js';

const postLogout = 'http://127.0.0.1:8765/signed-out';
const secret = 'logout-secret-0123456789abcdefghijklmnop';

let provider: RunningProvider;
let rp: Server;
const logoutTokens: string[] = [];

beforeAll(async () => {
  // The relying party's back-channel logout endpoint (Back-Channel Logout 1.0 §2.5).
  rp = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const token = new URLSearchParams(Buffer.concat(chunks).toString()).get('logout_token');
    if (token) logoutTokens.push(token);
    res.writeHead(token ? 200 : 400).end();
  });
  await new Promise<void>((resolve) => rp.listen(0, '127.0.0.1', resolve));
  const backchannel = `http://127.0.0.1:${(rp.address() as AddressInfo).port}/backchannel-logout`;
  provider = await startProvider({
    users: [{ ...person, name: 'Alice Liddell', email: 'alice@example.com', email_verified: true }],
    keys: [{ name: 'ec', alg: 'ES256' }],
    applications: [
      {
        slug: 'logout',
        name: 'Logout RP',
        client_id: 'logout-client',
        client_secret: secret,
        redirect_uris: [
          { matching_mode: 'strict', url: callback },
          { matching_mode: 'strict', url: postLogout, type: 'logout' },
        ],
        scopes: ['openid', 'profile', 'email'],
        signing_key: 'ec',
        consent: 'explicit',
        backchannel_logout_uri: backchannel,
      },
    ],
  });
});
afterAll(async () => {
  await provider.close();
  rp.closeAllConnections();
  await new Promise((resolve) => rp.close(resolve));
});

async function discover(): Promise<client.Configuration> {
  return client.discovery(new URL(`${provider.baseUrl}/application/o/logout/`), 'logout-client', undefined, client.ClientSecretBasic(secret), {
    execute: [client.allowInsecureRequests],
  });
}

function authorizationUrl(config: client.Configuration, verifier: Promise<string>, nonce: string): Promise<URL> {
  return verifier.then((challenge) =>
    client.buildAuthorizationUrl(config, { redirect_uri: callback, scope: 'openid profile email', code_challenge: challenge, code_challenge_method: 'S256', nonce }),
  );
}

/** Signs in with a fresh browser and returns it with the tokens of the code flow. */
async function signIn(config: client.Configuration): Promise<{ readonly browser: Browser; readonly tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers }> {
  const verifier = client.randomPKCECodeVerifier();
  const nonce = client.randomNonce();
  const url = await authorizationUrl(config, client.calculatePKCECodeChallenge(verifier), nonce);
  const browser = new Browser();
  const { callback: returned } = await browser.signInAndConsent(url.href, callback, person);
  const tokens = await client.authorizationCodeGrant(config, returned, { pkceCodeVerifier: verifier, expectedNonce: nonce });
  return { browser, tokens };
}

/** Where a new authorization request of `browser` ends up: the login page when its session is gone. */
async function nextAuthorizationPage(config: client.Configuration, browser: Browser): Promise<string> {
  const url = await authorizationUrl(config, client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()), client.randomNonce());
  const step = await browser.follow(await browser.get(url), url.href, callback);
  if (!step.page) return 'callback';
  return Browser.forms(step.page.html, step.page.url).some((form) => 'username' in form.fields && 'password' in form.fields) ? 'login' : 'other';
}

describe('logout with openid-client v6 against the reference provider', () => {
  it('honours buildEndSessionUrl with id_token_hint, post_logout_redirect_uri and state, and ends the session', async () => {
    const config = await discover();
    expect(config.serverMetadata()).toMatchObject({
      end_session_endpoint: `${provider.baseUrl}/application/o/logout/end-session/`,
      backchannel_logout_supported: true,
      backchannel_logout_session_supported: true,
    });
    const { browser, tokens } = await signIn(config);
    const claims = tokens.claims()!;
    expect(claims['sid']).toEqual(expect.any(String));
    // Still signed in: a second authorization goes straight back (consent is explicit, so it asks again).
    expect(await nextAuthorizationPage(config, browser)).toBe('other');

    const state = client.randomState();
    const endSessionUrl = client.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: postLogout, state });
    const res = await browser.get(endSessionUrl);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(`${postLogout}?state=${state}`);

    // The provider session is gone: a new authorization asks for the login again.
    expect(await nextAuthorizationPage(config, browser)).toBe('login');
    // The session's tokens are revoked.
    await expect(client.fetchUserInfo(config, tokens.access_token, claims.sub)).rejects.toMatchObject({ status: 401 });

    // Back-Channel Logout 1.0: the relying party received a logout token for this session.
    await provider.server.backchannelLogoutSettled();
    const jwks = await fetchJwks(`${provider.baseUrl}/application/o/logout/jwks/`);
    expect(logoutTokens.map(protectedHeader)).toContainEqual(expect.objectContaining({ alg: 'ES256', typ: 'logout+jwt' }));
    expect(logoutTokens.map((token) => verifyWithJwks(token, jwks))).toContainEqual(
      expect.objectContaining({
        iss: claims.iss,
        aud: 'logout-client',
        sub: claims.sub,
        sid: claims['sid'],
        events: { 'http://schemas.openid.net/event/backchannel-logout': {} },
      }),
    );
  });

  it('asks for confirmation without an id_token_hint, and signs out when the person confirms', async () => {
    const config = await discover();
    const { browser, tokens } = await signIn(config);
    const url = client.buildEndSessionUrl(config, { post_logout_redirect_uri: postLogout, state: 'no-hint' });
    const page = await browser.get(url);
    expect(page.status).toBe(200);
    const [form] = Browser.forms(await page.text(), url.href);
    expect(form!.buttons).toEqual([
      { name: 'decision', value: 'allow' },
      { name: 'decision', value: 'deny' },
    ]);
    expect(form!.fields['csrf_token']).toEqual(expect.any(String));
    const res = await browser.submit(form!, { decision: 'allow' });
    expect(res.status).toBe(303);
    // openid-client sends client_id with a post_logout_redirect_uri, so the application is known.
    expect(res.headers.get('location')).toBe(`${postLogout}?state=no-hint`);
    expect(await nextAuthorizationPage(config, browser)).toBe('login');
    await expect(client.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub)).rejects.toMatchObject({ status: 401 });
  });
});
