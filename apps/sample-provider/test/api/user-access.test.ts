// What a user has handed out, through the management API: app passwords (tokens shown once),
// remembered consents and grants, each revocable, with their tokens dying with them.
import { Browser } from '../browser.js';
import { startProvider, type RunningProvider } from '../provider-harness.js';
import { accessToken, admin, apiAs, apiSeed, authorizeInBrowser, callback, consoleSecret, member } from './api.fixtures.js';

let provider: RunningProvider;
let api: ReturnType<typeof apiAs>;
beforeAll(async () => {
  provider = await startProvider(apiSeed);
  api = apiAs(provider.baseUrl, { token: await accessToken(provider.baseUrl, admin, 'gatehouse:api') });
  // Remembered consent (authentik's "permanent"): what there is to list and revoke.
  expect((await api('PATCH', '/api/v1/applications/console', { body: { consent: 'permanent' } })).status).toBe(200);
});
afterAll(() => provider.close());

const basic = `Basic ${Buffer.from(`console-client:${consoleSecret}`).toString('base64')}`;

const userinfoStatus = async (token: string) => (await fetch(`${provider.baseUrl}/application/o/userinfo/`, { headers: { authorization: `Bearer ${token}` } })).status;
const refreshStatus = async (token: string) =>
  (await fetch(`${provider.baseUrl}/application/o/token/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: token }),
  })).status;

describe('app passwords', () => {
  it('lists app passwords without their tokens, creates one shown once, and deletes it so its token stops working', async () => {
    expect((await api('GET', '/api/v1/users/bob/app-passwords')).body.items).toEqual([{ id: expect.any(String), name: 'cli', expires_at: null }]);
    const created = await api('POST', '/api/v1/users/bob/app-passwords', { body: { name: 'deploy', expires_at: Math.floor(Date.now() / 1000) + 3600 } });
    expect(created.status).toBe(201);
    expect(created.body.app_password.name).toBe('deploy');
    const listed = await api('GET', '/api/v1/users/bob/app-passwords');
    expect(listed.body.items.map((appPassword: { name: string }) => appPassword.name)).toEqual(['cli', 'deploy']);
    expect(JSON.stringify(listed.body)).not.toContain(created.body.token);
    await expect(accessToken(provider.baseUrl, { username: 'bob', appPassword: created.body.token }, 'openid')).resolves.toEqual(expect.any(String));

    expect((await api('DELETE', `/api/v1/users/bob/app-passwords/${created.body.app_password.id}`)).status).toBe(204);
    await expect(accessToken(provider.baseUrl, { username: 'bob', appPassword: created.body.token }, 'openid')).rejects.toThrow(/invalid_grant/);
    expect((await api('DELETE', `/api/v1/users/bob/app-passwords/${created.body.app_password.id}`)).status).toBe(404);
  });

  it('refuses an expiry in the past and answers 404 for an unknown user', async () => {
    const past = await api('POST', '/api/v1/users/bob/app-passwords', { body: { name: 'old', expires_at: 1_000_000_000 } });
    expect(past.status).toBe(400);
    expect(past.body.error_description).toContain('expires_at');
    expect((await api('GET', '/api/v1/users/nobody/app-passwords')).status).toBe(404);
    expect((await api('POST', '/api/v1/users/nobody/app-passwords', { body: { name: 'x' } })).status).toBe(404);
  });
});

describe('consents', () => {
  it('lists the consents of a user and revokes one: the next authorization asks again', async () => {
    const browser = new Browser();
    await authorizeInBrowser(provider.baseUrl, member, browser);
    const consents = await api('GET', '/api/v1/users/bob/consents');
    expect(consents.body.items).toEqual([{ application: 'console', scopes: ['openid', 'profile', 'offline_access'], expires_at: null }]);

    expect((await api('DELETE', '/api/v1/users/bob/consents/console')).status).toBe(204);
    expect((await api('GET', '/api/v1/users/bob/consents')).body.items).toEqual([]);
    expect((await api('DELETE', '/api/v1/users/bob/consents/console')).status).toBe(404);
    const again = new URL(`${provider.baseUrl}/application/o/authorize/`);
    const flow = await browser.signInAndConsent(
      `${again.href}?${new URLSearchParams({ client_id: 'console-client', redirect_uri: callback, response_type: 'code', scope: 'openid', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' })}`,
      callback,
      member,
    );
    expect(flow.pagesSeen).toContain('consent');
  });
});

describe('grants', () => {
  it('lists the live grants of a user, newest first, and revokes one with its access and refresh tokens', async () => {
    // Earlier tests gave bob grants too, possibly in the same second: each new grant is told by the id it adds.
    const grantIds = async (): Promise<string[]> => (await api('GET', '/api/v1/users/bob/grants', { query: { limit: '200' } })).body.items.map((grant: { id: string }) => grant.id);
    const added = async (authorize: () => Promise<{ access_token: string; refresh_token: string }>) => {
      const before = new Set(await grantIds());
      const tokens = await authorize();
      const ids = (await grantIds()).filter((id) => !before.has(id));
      expect(ids).toHaveLength(1);
      return { ...tokens, grantId: ids[0]! };
    };
    const older = await added(() => authorizeInBrowser(provider.baseUrl, member));
    const newer = await added(() => authorizeInBrowser(provider.baseUrl, member));
    const listed = await api('GET', '/api/v1/users/bob/grants');
    expect(listed.body.items.length).toBeGreaterThanOrEqual(2);
    expect(listed.body.items.find((grant: { id: string }) => grant.id === newer.grantId)).toMatchObject({ application: 'console', scopes: ['openid', 'profile', 'offline_access'] });
    const createdAt = listed.body.items.map((grant: { created_at: number }) => grant.created_at);
    expect(createdAt).toEqual([...createdAt].sort((a, b) => b - a));

    const paged = await api('GET', '/api/v1/users/bob/grants', { query: { limit: '1' } });
    const rest = await api('GET', '/api/v1/users/bob/grants', { query: { limit: '200', cursor: paged.body.next_cursor } });
    expect([...paged.body.items, ...rest.body.items]).toEqual(listed.body.items);

    expect((await api('DELETE', `/api/v1/users/bob/grants/${newer.grantId}`)).status).toBe(204);
    expect(await userinfoStatus(newer.access_token)).toBe(401);
    expect(await refreshStatus(newer.refresh_token)).toBe(400);
    expect(await userinfoStatus(older.access_token)).toBe(200);
    expect(await grantIds()).not.toContain(newer.grantId);
    expect(await grantIds()).toContain(older.grantId);
    expect((await api('DELETE', `/api/v1/users/bob/grants/${newer.grantId}`)).status).toBe(404);
    // Another user's grant is not reachable through bob.
    expect((await api('DELETE', `/api/v1/users/ada/grants/${older.grantId}`)).status).toBe(404);
  });
});
