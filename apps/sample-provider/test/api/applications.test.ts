// Applications through the management API: registration with credentials shown once, listing
// page by page, changes, secret rotation, deletion (its tokens die with it), redirect URIs.
import { startProvider, type RunningProvider } from '../provider-harness.js';
import { accessToken, admin, apiAs, apiSeed, callback, consoleSecret } from './api.fixtures.js';

let provider: RunningProvider;
let api: ReturnType<typeof apiAs>;
beforeAll(async () => {
  provider = await startProvider(apiSeed);
  api = apiAs(provider.baseUrl, { token: await accessToken(provider.baseUrl, admin, 'gatehouse:api') });
});
afterAll(() => provider.close());

const wiki = { slug: 'wiki', name: 'Wiki', client_id: 'wiki-client', signing_key: 'default', redirect_uris: [{ url: 'https://wiki.example.com/cb' }] };

/** client_credentials at the token endpoint with Basic client authentication. */
const clientCredentials = (clientId: string, secret: string) =>
  fetch(`${provider.baseUrl}/application/o/token/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}` },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'openid' }),
  });

describe('registration', () => {
  it('registers an application and shows its generated secret once; the secret works at the token endpoint', async () => {
    const created = await api('POST', '/api/v1/applications', { body: wiki });
    expect(created.status).toBe(201);
    expect(created.body.application).toMatchObject({ slug: 'wiki', client_id: 'wiki-client', client_type: 'confidential', has_client_secret: true, consent: 'explicit' });
    expect(created.body.client_secret).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect((await clientCredentials('wiki-client', created.body.client_secret)).status).toBe(200);

    const shown = await api('GET', '/api/v1/applications/wiki');
    expect(shown.status).toBe(200);
    expect(shown.body).toEqual(created.body.application);
    expect(JSON.stringify(shown.body)).not.toContain(created.body.client_secret);
  });

  it.each([
    ['slug', { ...wiki, client_id: 'other-client' }, 'slug wiki'],
    ['client_id', { ...wiki, slug: 'other' }, 'client_id wiki-client'],
  ])('answers 409 conflict for a %s in use', async (_field, body, message) => {
    const res = await api('POST', '/api/v1/applications', { body });
    expect(res.status).toBe(409);
    expect(res.body.error).toBe('conflict');
    expect(res.body.error_description).toContain(message);
  });

  it('answers 400 invalid_request naming each wrong field', async () => {
    const res = await api('POST', '/api/v1/applications', { body: { slug: 'Bad Slug', client_id: '', consent: 'sometimes', redirect_uris: [{ url: 'x', matching_mode: 'fuzzy' }] } });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
    expect(res.body.issues.map((issue: { path: string }) => issue.path)).toEqual(
      expect.arrayContaining(['body.slug', 'body.name', 'body.client_id', 'body.consent', 'body.redirect_uris.0.matching_mode']),
    );
  });

  it.each([
    ['a body that is not JSON', { 'content-type': 'application/json' }, '{"slug":', 400],
    ['a form body', { 'content-type': 'application/x-www-form-urlencoded' }, 'slug=x', 415],
  ])('refuses %s with a JSON error, not a 500', async (_case, headers, body, status) => {
    const token = await accessToken(provider.baseUrl, admin, 'gatehouse:api');
    const res = await fetch(`${provider.baseUrl}/api/v1/applications`, { method: 'POST', headers: { ...headers, authorization: `Bearer ${token}` }, body });
    expect(res.status).toBe(status);
    expect(await res.json()).toMatchObject({ error: 'invalid_request', request_id: res.headers.get('x-request-id') });
  });

  it('refuses a signing key that does not exist', async () => {
    const res = await api('POST', '/api/v1/applications', { body: { ...wiki, slug: 'nokey', client_id: 'nokey', signing_key: 'missing' } });
    expect(res.status).toBe(400);
    expect(res.body.error_description).toContain('unknown key missing');
  });
});

describe('listing', () => {
  it('lists applications by slug, page by page, with an opaque cursor', async () => {
    for (const slug of ['alpha', 'beta', 'gamma']) {
      expect((await api('POST', '/api/v1/applications', { body: { ...wiki, slug, client_id: `${slug}-client` } })).status).toBe(201);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof api>> = await api('GET', '/api/v1/applications', { query: { limit: '2', ...(cursor ? { cursor } : {}) } });
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((application: { slug: string }) => application.slug));
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(seen).toEqual([...seen].sort());
    expect(seen).toEqual(expect.arrayContaining(['alpha', 'beta', 'console', 'gamma']));
    expect(new Set(seen).size).toBe(seen.length);
  });

  it.each([
    ['a limit above 200', { limit: '201' }, 'query.limit'],
    ['a limit of 0', { limit: '0' }, 'query.limit'],
    ['a limit that is no number', { limit: 'many' }, 'query.limit'],
    ['a forged cursor', { cursor: 'not-a-cursor' }, 'query.cursor'],
  ])('answers 400 for %s', async (_case, query, path) => {
    const res = await api('GET', '/api/v1/applications', { query });
    expect(res.status).toBe(400);
    expect(res.body.issues.map((issue: { path: string }) => issue.path)).toContain(path);
  });
});

describe('changes', () => {
  it('changes the settings given and keeps the rest; the slug never changes', async () => {
    const res = await api('PATCH', '/api/v1/applications/console', { body: { name: 'Console', consent: 'implicit', access_token_validity: 600 } });
    expect(res.status).toBe(200);
    expect(res.body.client_secret).toBeUndefined();
    expect(res.body.application).toMatchObject({ slug: 'console', name: 'Console', consent: 'implicit', access_token_validity: 600, scopes: apiSeed.applications[0]!.scopes });
    const renamed = await api('PATCH', '/api/v1/applications/console', { body: { slug: 'renamed' } });
    expect(renamed.status).toBe(400);
    expect(renamed.body.issues).toContainEqual(expect.objectContaining({ path: 'body' }));
  });

  it('rotates a secret: the new one works, the old one no longer does', async () => {
    const created = await api('POST', '/api/v1/applications', { body: { ...wiki, slug: 'rotating', client_id: 'rotating-client' } });
    const rotated = await api('POST', '/api/v1/applications/rotating/rotate-secret');
    expect(rotated.status).toBe(200);
    expect(rotated.body.client_secret).not.toBe(created.body.client_secret);
    expect((await clientCredentials('rotating-client', rotated.body.client_secret)).status).toBe(200);
    expect((await clientCredentials('rotating-client', created.body.client_secret)).status).toBe(401);
  });

  it('answers 404 not_found for an unknown slug', async () => {
    for (const [method, path] of [['GET', '/api/v1/applications/nope'], ['PATCH', '/api/v1/applications/nope'], ['DELETE', '/api/v1/applications/nope'], ['POST', '/api/v1/applications/nope/rotate-secret']] as const) {
      const res = await api(method, path, method === 'PATCH' ? { body: { name: 'x' } } : {});
      expect(res.status).toBe(404);
      expect(res.body.error).toBe('not_found');
    }
  });
});

describe('deletion', () => {
  it('deletes an application: its tokens stop working at once, and its slug is free again', async () => {
    const created = await api('POST', '/api/v1/applications', { body: { ...wiki, slug: 'doomed', client_id: 'doomed-client', scopes: ['openid'] } });
    const tokens = (await (await clientCredentials('doomed-client', created.body.client_secret)).json()) as { access_token: string };
    const introspect = () =>
      fetch(`${provider.baseUrl}/application/o/introspect/`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`console-client:${consoleSecret}`).toString('base64')}` },
        body: new URLSearchParams({ token: tokens.access_token }),
      }).then((res) => res.json() as Promise<{ active: boolean }>);
    const userinfo = () => fetch(`${provider.baseUrl}/application/o/userinfo/`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect((await userinfo()).status).toBe(200);

    expect((await api('DELETE', '/api/v1/applications/doomed')).status).toBe(204);
    expect((await userinfo()).status).toBe(401);
    expect((await introspect()).active).toBe(false);
    expect((await clientCredentials('doomed-client', created.body.client_secret)).status).toBe(401);
    expect((await api('GET', '/api/v1/applications/doomed')).status).toBe(404);
    expect((await api('DELETE', '/api/v1/applications/doomed')).status).toBe(404);
    // Registered again under the same names: the old tokens stay dead.
    expect((await api('POST', '/api/v1/applications', { body: { ...wiki, slug: 'doomed', client_id: 'doomed-client', scopes: ['openid'] } })).status).toBe(201);
    expect((await userinfo()).status).toBe(401);
  });
});

describe('redirect URIs', () => {
  it('lists, adds (strict or regex, authorization or logout) and removes redirect URIs', async () => {
    const listed = await api('GET', '/api/v1/applications/console/redirect-uris');
    expect(listed.body).toEqual({ items: [{ matching_mode: 'strict', url: callback, type: 'authorization' }], next_cursor: null });
    const regex = { matching_mode: 'regex', url: 'https://[a-z]+\\.example\\.com/cb', type: 'authorization' };
    const logout = { url: 'https://console.example.com/bye', type: 'logout' };
    expect((await api('POST', '/api/v1/applications/console/redirect-uris', { body: regex })).status).toBe(201);
    const added = await api('POST', '/api/v1/applications/console/redirect-uris', { body: logout });
    expect(added.body).toEqual({ matching_mode: 'strict', ...logout });
    expect((await api('GET', '/api/v1/applications/console')).body.redirect_uris).toEqual([
      { matching_mode: 'strict', url: callback, type: 'authorization' },
      regex,
      { matching_mode: 'strict', ...logout },
    ]);

    const duplicate = await api('POST', '/api/v1/applications/console/redirect-uris', { body: logout });
    expect(duplicate.status).toBe(409);
    expect((await api('DELETE', '/api/v1/applications/console/redirect-uris', { query: { url: logout.url, type: 'logout' } })).status).toBe(204);
    expect((await api('DELETE', '/api/v1/applications/console/redirect-uris', { query: { url: logout.url, type: 'logout' } })).status).toBe(404);
    expect((await api('GET', '/api/v1/applications/console/redirect-uris')).body.items).toHaveLength(2);
  });

  it.each([
    ['a regex that does not compile', { matching_mode: 'regex', url: 'https://(unclosed' }, 'not a valid regular expression'],
    ['a relative strict URL', { url: '/cb' }, 'not an absolute URL'],
    ['a javascript: URL', { url: 'javascript:alert(1)' }, 'javascript: URLs are refused'],
    ['an unknown type', { url: 'https://x.example.com/cb', type: 'other' }, 'body.type'],
  ])('refuses %s with 400', async (_case, body, message) => {
    const res = await api('POST', '/api/v1/applications/console/redirect-uris', { body });
    expect(res.status).toBe(400);
    expect(res.body.error_description).toContain(message);
  });
});

describe('what this process derives from applications', () => {
  const portal = { slug: 'portal', name: 'Portal', client_id: 'portal-client', signing_key: 'default', scopes: ['openid', 'profile'], redirect_uris: [{ url: 'https://portal.example.com/cb' }] };
  const scopesSupported = async () =>
    ((await (await fetch(`${provider.baseUrl}/application/o/portal/.well-known/openid-configuration`)).json()) as { scopes_supported: string[] }).scopes_supported;
  // A preflight is allowed for an origin of any application's redirect URIs, and for no other.
  const preflightAllows = async (origin: string) =>
    (await fetch(`${provider.baseUrl}/application/o/token/`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } })).headers.get('access-control-allow-origin') === origin;

  it('follows a change at once: discovery (cached for a minute otherwise) and the CORS origins of redirect URIs', async () => {
    expect((await api('POST', '/api/v1/applications', { body: portal })).status).toBe(201);
    expect(await scopesSupported()).not.toContain('email');
    expect(await preflightAllows('https://tenant.portal.example.com')).toBe(false);

    expect((await api('PATCH', '/api/v1/applications/portal', { body: { scopes: ['openid', 'profile', 'email'] } })).status).toBe(200);
    expect(await scopesSupported()).toContain('email');
    expect((await api('POST', '/api/v1/applications/portal/redirect-uris', { body: { url: 'https://tenant.portal.example.com/cb' } })).status).toBe(201);
    expect(await preflightAllows('https://tenant.portal.example.com')).toBe(true);
    expect((await api('DELETE', '/api/v1/applications/portal')).status).toBe(204);
    expect(await preflightAllows('https://tenant.portal.example.com')).toBe(false);
  });
});
