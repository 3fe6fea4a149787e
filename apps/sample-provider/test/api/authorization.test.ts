// Who may use the management API: a token of an admin carrying gatehouse:api, or an admin's
// browser session (with the CSRF header on unsafe requests); nobody else.
import { startProvider, type RunningProvider } from '../provider-harness.js';
import { accessToken, admin, apiAs, apiSeed, member, signedInBrowser } from './api.fixtures.js';

let provider: RunningProvider;
beforeAll(async () => {
  provider = await startProvider(apiSeed);
});
afterAll(() => provider.close());

const anonymous = () => apiAs(provider.baseUrl, {});

describe('bearer tokens', () => {
  it('answers 401 with a bare Bearer challenge without any credentials', async () => {
    const res = await anonymous()('GET', '/api/v1/users');
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_token');
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="gatehouse"');
  });

  it.each([
    ['a Basic header', 'Basic YWRhOnNlY3JldA=='],
    ['a token that is no JWT', 'Bearer not-a-token'],
    ['a forged JWT', 'Bearer eyJhbGciOiJub25lIn0.eyJjbGllbnRfaWQiOiJjb25zb2xlLWNsaWVudCJ9.'],
  ])('answers 401 invalid_token for %s', async (_case, authorization) => {
    const res = await anonymous()('GET', '/api/v1/users', { headers: { authorization } });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_token');
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="gatehouse", error="invalid_token"/);
  });

  it('answers 403 insufficient_scope for an admin token without gatehouse:api', async () => {
    const token = await accessToken(provider.baseUrl, admin, 'openid profile');
    const res = await apiAs(provider.baseUrl, { token })('GET', '/api/v1/users');
    expect(res.status).toBe(403);
    expect(res.body.error).toBe('insufficient_scope');
    expect(res.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    expect(res.headers.get('www-authenticate')).toContain('scope="gatehouse:api"');
  });

  it('answers 403 access_denied for a token with gatehouse:api of a user outside the admin group', async () => {
    const token = await accessToken(provider.baseUrl, member, 'openid gatehouse:api');
    const res = await apiAs(provider.baseUrl, { token })('GET', '/api/v1/users');
    expect(res.status).toBe(403);
    expect(res.body.error).toBe('access_denied');
  });

  it('serves an admin token with gatehouse:api', async () => {
    const token = await accessToken(provider.baseUrl, admin, 'openid gatehouse:api');
    const res = await apiAs(provider.baseUrl, { token })('GET', '/api/v1/users');
    expect(res.status).toBe(200);
    expect(res.body.items.map((user: { username: string }) => user.username)).toEqual(['ada', 'bob']);
  });

  it('refuses a token once it is revoked', async () => {
    const token = await accessToken(provider.baseUrl, admin, 'openid gatehouse:api');
    const revoked = await fetch(`${provider.baseUrl}/application/o/revoke/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`console-client:${apiSeed.applications[0]!.client_secret}`).toString('base64')}` },
      body: new URLSearchParams({ token }),
    });
    expect(revoked.status).toBe(200);
    const res = await apiAs(provider.baseUrl, { token })('GET', '/api/v1/users');
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_token');
  });

  it('refuses the token of an admin who was deactivated since', async () => {
    const token = await accessToken(provider.baseUrl, admin, 'openid gatehouse:api');
    const carol = await apiAs(provider.baseUrl, { token })('POST', '/api/v1/users', { body: { username: 'carol', groups: ['admins'] } });
    expect(carol.status).toBe(201);
    const created = await apiAs(provider.baseUrl, { token })('POST', '/api/v1/users/carol/app-passwords', { body: { name: 'cli' } });
    const carolsToken = await accessToken(provider.baseUrl, { username: 'carol', appPassword: created.body.token }, 'gatehouse:api');
    expect((await apiAs(provider.baseUrl, { token: carolsToken })('GET', '/api/v1/groups')).status).toBe(200);
    expect((await apiAs(provider.baseUrl, { token })('PATCH', '/api/v1/users/carol', { body: { is_active: false } })).status).toBe(200);
    const res = await apiAs(provider.baseUrl, { token: carolsToken })('GET', '/api/v1/groups');
    expect(res.status).toBe(401);
  });

  it('serves the OpenAPI document without credentials', async () => {
    const res = await anonymous()('GET', '/api/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\.1\./);
  });
});

describe('browser sessions', () => {
  it('serves an admin session, and its unsafe requests only with the X-CSRF-Token header', async () => {
    const browser = await signedInBrowser(provider.baseUrl, admin);
    const api = apiAs(provider.baseUrl, { browser });
    expect((await api('GET', '/api/v1/groups')).status).toBe(200);

    const withoutHeader = await api('POST', '/api/v1/groups', { body: { name: 'no-csrf' } });
    expect(withoutHeader.status).toBe(403);
    expect(withoutHeader.body.error).toBe('access_denied');
    const wrongHeader = await api('POST', '/api/v1/groups', { body: { name: 'no-csrf' }, headers: { 'x-csrf-token': 'A'.repeat(43) } });
    expect(wrongHeader.status).toBe(403);

    const { body } = await api('GET', '/api/v1/csrf-token');
    const created = await api('POST', '/api/v1/groups', { body: { name: 'with-csrf' }, headers: { 'x-csrf-token': body.csrf_token } });
    expect(created.status).toBe(201);
    expect((await api('GET', '/api/v1/groups')).body.items).toContainEqual({ name: 'with-csrf' });
    expect((await api('GET', '/api/v1/groups')).body.items).not.toContainEqual({ name: 'no-csrf' });
  });

  it('answers 403 to the session of a user outside the admin group', async () => {
    const browser = await signedInBrowser(provider.baseUrl, member);
    const res = await apiAs(provider.baseUrl, { browser })('GET', '/api/v1/groups');
    expect(res.status).toBe(403);
    expect(res.body.error).toBe('access_denied');
  });
});
