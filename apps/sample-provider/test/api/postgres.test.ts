// The management API on PostgreSQL (prisma-store): the operations whose storage is new for it
// (deletion, listing, search, groups, app passwords, grants, events) against a real database.
import { describeRequiring, serviceAt } from '@gatehouse/core/testing';
import { prismaStores } from '@gatehouse/prisma-store';
import { createPostgresDatabase, type TestDatabase } from '@gatehouse/prisma-store/testing';
import { startProvider, type RunningProvider } from '../provider-harness.js';
import { accessToken, admin, apiAs, apiSeed, authorizeInBrowser, member } from './api.fixtures.js';

const postgresUrl = process.env['TEST_DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

describeRequiring('the management API on PostgreSQL', serviceAt(postgresUrl), () => {
  let db: TestDatabase;
  let provider: RunningProvider;
  let api: ReturnType<typeof apiAs>;
  beforeAll(async () => {
    db = await createPostgresDatabase(postgresUrl);
    provider = await startProvider(apiSeed, { stores: prismaStores(db.database.prisma, { secretKey: 'postgres-api-test-secret-key-0123456789' }) });
    api = apiAs(provider.baseUrl, { token: await accessToken(provider.baseUrl, admin, 'gatehouse:api') });
  }, 60_000);
  afterAll(async () => {
    await provider?.close();
    await db?.drop();
  });

  it('registers, pages, changes and deletes applications; a deleted one\'s tokens stop working', async () => {
    const created = await api('POST', '/api/v1/applications', { body: { slug: 'pg-app', name: 'PG', client_id: 'pg-client', signing_key: 'default', scopes: ['openid'] } });
    expect(created.status).toBe(201);
    const first = await api('GET', '/api/v1/applications', { query: { limit: '1' } });
    const second = await api('GET', '/api/v1/applications', { query: { limit: '1', cursor: first.body.next_cursor } });
    expect([...first.body.items, ...second.body.items].map((application: { slug: string }) => application.slug)).toEqual(['console', 'pg-app']);
    expect((await api('POST', '/api/v1/applications/pg-app/redirect-uris', { body: { url: 'https://pg.example.com/cb' } })).status).toBe(201);
    expect((await api('GET', '/api/v1/applications/pg-app')).body.redirect_uris).toEqual([{ matching_mode: 'strict', url: 'https://pg.example.com/cb', type: 'authorization' }]);

    const token = await fetch(`${provider.baseUrl}/application/o/token/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`pg-client:${created.body.client_secret}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'openid' }),
    }).then((res) => res.json() as Promise<{ access_token: string }>);
    const userinfo = () => fetch(`${provider.baseUrl}/application/o/userinfo/`, { headers: { authorization: `Bearer ${token.access_token}` } });
    expect((await userinfo()).status).toBe(200);
    expect((await api('DELETE', '/api/v1/applications/pg-app')).status).toBe(204);
    expect((await userinfo()).status).toBe(401);
    expect((await api('GET', '/api/v1/applications/pg-app')).status).toBe(404);
  });

  it('searches users (wildcards match themselves), manages groups and their members', async () => {
    expect((await api('POST', '/api/v1/users', { body: { username: 'pg_user', name: '100% Postgres' } })).status).toBe(201);
    expect((await api('POST', '/api/v1/users', { body: { username: 'pgxuser', name: '1000 Postgres' } })).status).toBe(201);
    const found = async (search: string) => (await api('GET', '/api/v1/users', { query: { search } })).body.items.map((user: { username: string }) => user.username);
    expect(await found('100%')).toEqual(['pg_user']);
    expect(await found('pg_u')).toEqual(['pg_user']);
    expect(await found('postgres')).toEqual(['pg_user', 'pgxuser']);

    expect((await api('POST', '/api/v1/groups', { body: { name: 'pg-group' } })).status).toBe(201);
    expect((await api('POST', '/api/v1/groups', { body: { name: 'pg-group' } })).status).toBe(409);
    await api('PUT', '/api/v1/groups/pg-group/members/pg_user');
    expect((await api('GET', '/api/v1/groups/pg-group/members')).body.items.map((user: { username: string }) => user.username)).toEqual(['pg_user']);
    expect((await api('DELETE', '/api/v1/groups/pg-group')).status).toBe(204);
    expect((await api('GET', '/api/v1/users/pg_user')).body.groups).toEqual([]);
    expect((await api('GET', '/api/v1/groups')).body.items).toEqual([{ name: 'admins' }, { name: 'staff' }]);
  });

  it('creates and deletes app passwords, and revokes grants with their tokens', async () => {
    const created = await api('POST', '/api/v1/users/bob/app-passwords', { body: { name: 'pg' } });
    expect(created.status).toBe(201);
    expect((await api('GET', '/api/v1/users/bob/app-passwords')).body.items.map((appPassword: { name: string }) => appPassword.name)).toEqual(['cli', 'pg']);
    await expect(accessToken(provider.baseUrl, { username: 'bob', appPassword: created.body.token }, 'openid')).resolves.toEqual(expect.any(String));
    expect((await api('DELETE', `/api/v1/users/bob/app-passwords/${created.body.app_password.id}`)).status).toBe(204);
    await expect(accessToken(provider.baseUrl, { username: 'bob', appPassword: created.body.token }, 'openid')).rejects.toThrow(/invalid_grant/);


    const tokens = await authorizeInBrowser(provider.baseUrl, member);
    const grants = await api('GET', '/api/v1/users/bob/grants');
    expect(grants.body.items).toEqual([expect.objectContaining({ application: 'console', scopes: ['openid', 'profile', 'offline_access'] })]);
    expect((await api('DELETE', `/api/v1/users/bob/grants/${grants.body.items[0].id}`)).status).toBe(204);
    expect((await api('GET', '/api/v1/users/bob/grants')).body.items).toEqual([]);
    const userinfo = await fetch(`${provider.baseUrl}/application/o/userinfo/`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(userinfo.status).toBe(401);
  });

  it.each([
    ['a validity beyond a 32-bit column', 'POST', '/api/v1/applications', { slug: 'big', name: 'Big', client_id: 'big', signing_key: 'default', access_token_validity: 99_999_999_999 }],
    ['an app password expiry beyond any date', 'POST', '/api/v1/users/bob/app-passwords', { name: 'far', expires_at: 9_007_199_254_740_991 }],
  ])('refuses %s with 400, not a database error', async (_case, method, path, body) => {
    const res = await api(method, path, { body });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });

  it.each([
    ['events since a time beyond any date', '/api/v1/events', { since: '99999999999999' }],
    ['a forged grant cursor beyond any date', '/api/v1/users/bob/grants', { cursor: Buffer.from(JSON.stringify({ createdAt: 9_007_199_254_740_991, id: 'x' })).toString('base64url') }],
  ])('refuses %s with 400, not a database error', async (_case, path, query) => {
    const res = await api('GET', path, { query });
    expect(res.status).toBe(400);
  });

  it.each([
    ['a NUL in a body string', 'POST', '/api/v1/users', { body: { username: 'nul\u0000user' } }, 'body.username'],
    ['a NUL in JSON attributes', 'PATCH', '/api/v1/users/bob', { body: { attributes: { note: 'a\u0000b' } } }, 'body.attributes.note'],
    ['a NUL in a path parameter', 'GET', '/api/v1/users/bob%00', {}, 'path.username'],
    ['a NUL in a query parameter', 'GET', '/api/v1/users', { query: { search: 'b\u0000' } }, 'query.search'],
  ])('refuses %s with 400 naming it', async (_case, method, path, options, issuePath) => {
    const res = await api(method, path, options);
    expect(res.status).toBe(400);
    expect(res.body.issues).toEqual([{ path: issuePath, message: 'no NUL characters' }]);
  });

  it('registers one of many concurrent identical applications and users, and answers 409 to the others', async () => {
    const statuses = async (path: string, body: unknown) =>
      (await Promise.all(Array.from({ length: 8 }, () => api('POST', path, { body })))).map((res) => res.status).sort();
    expect(await statuses('/api/v1/applications', { slug: 'race', name: 'Race', client_id: 'race-client', signing_key: 'default' })).toEqual([201, ...Array(7).fill(409)]);
    expect(await statuses('/api/v1/users', { username: 'racer' })).toEqual([201, ...Array(7).fill(409)]);
  });

  it('lists audit events newest first with filters', async () => {
    const events = await api('GET', '/api/v1/events', { query: { action: 'admin_operation', limit: '2' } });
    expect(events.body.items).toHaveLength(2);
    expect(events.body.items[0].id).toBeGreaterThan(events.body.items[1].id);
    const next = await api('GET', '/api/v1/events', { query: { action: 'admin_operation', limit: '2', cursor: events.body.next_cursor } });
    expect(next.body.items[0].id).toBeLessThan(events.body.items[1].id);
    const consoleApp = (await api('GET', '/api/v1/applications/console')).body;
    await provider.server.flushEvents();
    const ofConsole = await api('GET', '/api/v1/events', { query: { application_id: consoleApp.id } });
    expect(ofConsole.body.items.map((event: { action: string }) => event.action)).toContain('token_issued');
    expect(ofConsole.body.items.every((event: { application_id: string }) => event.application_id === consoleApp.id)).toBe(true);
  });
});
