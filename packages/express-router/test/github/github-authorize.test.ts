// GET /login/oauth/authorize: GitHub's parameters mapped onto the core's code flow (behaviour
// spec §6 [exceed]: redirect_uri and response_type optional, GitHub scopes accepted).
import { authorize, codeRequest, consentFormOf, jsonOf, locationOf, pkcePair, testUser, type TestServer } from '../fixtures.js';
import { credentials, githubAuthorize, githubCode, githubTokenRequest, hub, hubExplicit, hubPublic, hubTwo, startGithubServer } from './github.fixtures.js';

let t: TestServer;
beforeAll(async () => {
  t = await startGithubServer();
});
afterAll(() => t.close());

/** The token response (JSON) for a code of `hub`. */
async function exchange(code: string, extra: Record<string, string> = {}) {
  return jsonOf(await githubTokenRequest(t, { code, ...credentials(hub.client), ...extra }, { accept: 'application/json' }));
}

describe('GitHub parameters', () => {
  it('redirects with code and state to the only redirect URI when redirect_uri is left out', async () => {
    const res = await githubAuthorize(t, { client_id: hub.client.clientId, state: 'abc' });
    expect(res.status).toBe(302);
    const location = locationOf(res);
    expect(`${location.origin}${location.pathname}`).toBe(hub.client.redirectUri);
    expect(location.searchParams.get('state')).toBe('abc');
    expect(location.searchParams.get('code')).toMatch(/.{20,}/);
  });

  it('exchanges a code whose redirect URI was implied without redirect_uri at the token endpoint', async () => {
    const code = await githubCode(t, hub.client, { scope: 'read:user' });
    expect(await exchange(code)).toMatchObject({ token_type: 'bearer', scope: 'read:user' });
  });

  it('still checks redirect_uri at the token endpoint when the client sends it', async () => {
    const code = await githubCode(t, hub.client, { scope: 'read:user' });
    expect(await exchange(code, { redirect_uri: 'https://hub.example.com/elsewhere' })).toMatchObject({ error: 'redirect_uri_mismatch' });
  });

  it('requires redirect_uri when the application has more than one (an error page, no redirect)', async () => {
    const res = await githubAuthorize(t, { client_id: hubTwo.client.clientId, state: 'abc' });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toContain('redirect_uri is required');
  });

  it('uses the redirect_uri it is given among several', async () => {
    const res = await githubAuthorize(t, { client_id: hubTwo.client.clientId, redirect_uri: 'https://hub-two.example.com/other' });
    expect(locationOf(res).href).toMatch(/^https:\/\/hub-two\.example\.com\/other\?code=/);
  });

  it('refuses an unregistered redirect_uri on an error page', async () => {
    const res = await githubAuthorize(t, { client_id: hub.client.clientId, redirect_uri: 'https://evil.example.com/cb' });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
  });

  it('refuses an unknown client on an error page', async () => {
    const res = await githubAuthorize(t, { client_id: 'nobody' });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
  });

  it('always runs the code flow, whatever response_type says', async () => {
    const res = await githubAuthorize(t, { client_id: hub.client.clientId, response_type: 'token', scope: 'read:user' });
    const location = locationOf(res);
    expect(location.searchParams.get('code')).not.toBeNull();
    expect(location.hash).toBe('');
  });

  it('passes login on as login_hint to the login page, and ignores allow_signup', async () => {
    const res = await githubAuthorize(t, { client_id: hub.client.clientId, login: 'alice', allow_signup: 'false' }, {});
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!, t.baseUrl);
    expect(location.pathname).toBe('/login');
    expect(location.searchParams.get('login_hint')).toBe('alice');
  });
});

describe('GitHub scopes', () => {
  it.each([
    ['comma-separated', 'user:email,read:org', 'user:email,read:org'],
    ['space-separated', 'user:email read:org', 'user:email,read:org'],
    ['mixed with the application scopes', 'read:user, openid', 'read:user,openid'],
  ])('grants GitHub scopes the application does not list (%s)', async (_, scope, granted) => {
    const code = await githubCode(t, hub.client, { scope });
    expect((await exchange(code)).scope).toBe(granted);
  });

  it('grants read:user, GitHub\'s "no scope", when none is asked for', async () => {
    const code = await githubCode(t, hub.client);
    expect((await exchange(code)).scope).toBe('read:user');
  });

  it('drops GitHub scopes that grant nothing here (repo, gist) and keeps the others', async () => {
    const code = await githubCode(t, hub.client, { scope: 'repo,user:email,gist' });
    expect((await exchange(code)).scope).toBe('user:email');
  });

  it('grants nothing GitHub-specific on the OpenID Connect authorization endpoint', async () => {
    const res = await authorize(t, codeRequest(hub.client, { scope: 'openid read:org' }), { user: testUser.id });
    const code = locationOf(res).searchParams.get('code')!;
    const token = await githubTokenRequest(t, { code, redirect_uri: hub.client.redirectUri, ...credentials(hub.client) }, { accept: 'application/json' });
    expect((await jsonOf(token)).scope).toBe('openid');
  });

  it('describes GitHub scopes on the consent page with their mappings', async () => {
    const res = await githubAuthorize(t, { client_id: hubExplicit.client.clientId, scope: 'user:email,read:org' });
    const { html } = await consentFormOf(res);
    expect(html).toContain('Your email addresses (GitHub-compatible API)');
    expect(html).toContain('Your groups, as teams of the organization (GitHub-compatible API)');
  });
});

describe('PKCE', () => {
  it('passes code_challenge through: a public client exchanges with its verifier', async () => {
    const { verifier, challenge } = pkcePair();
    const code = await githubCode(t, hubPublic.client, { scope: 'read:user', code_challenge: challenge, code_challenge_method: 'S256' });
    const res = await githubTokenRequest(t, { code, client_id: hubPublic.client.clientId, code_verifier: verifier }, { accept: 'application/json' });
    expect(await jsonOf(res)).toMatchObject({ token_type: 'bearer', scope: 'read:user' });
  });

  it('keeps PKCE mandatory for public clients', async () => {
    const res = await githubAuthorize(t, { client_id: hubPublic.client.clientId, state: 's' });
    expect(locationOf(res).searchParams.get('error')).toBe('invalid_request');
  });
});
