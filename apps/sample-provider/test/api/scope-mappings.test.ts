// Stored scope mappings through the management API: created, changed and deleted at run time, and
// what a relying party sees of each change (consent page, ID token, userinfo, discovery).
import * as client from 'openid-client';
import { clientFor, codeFlow, seedApplication } from '../oidc-flow.js';
import { startProvider, type RunningProvider } from '../provider-harness.js';
import { accessToken, admin, apiAs, apiSeed } from './api.fixtures.js';

const ada = { username: admin.username, password: admin.password };

let provider: RunningProvider;
let api: ReturnType<typeof apiAs>;
beforeAll(async () => {
  provider = await startProvider({
    ...apiSeed,
    users: apiSeed.users.map((user) => (user.username === ada.username ? { ...user, attributes: { department: 'Analytical Engines' } } : user)),
    applications: [...apiSeed.applications, seedApplication('rp', { signing_key: 'default' })],
  });
  api = apiAs(provider.baseUrl, { token: await accessToken(provider.baseUrl, admin, 'gatehouse:api') });
});
afterAll(() => provider.close());

const discoveryOf = async (slug: string) =>
  (await (await fetch(`${provider.baseUrl}/application/o/${slug}/.well-known/openid-configuration`)).json()) as { scopes_supported: string[]; claims_supported: string[] };
/** The scope descriptions listed on a consent page, as a person reads them. */
const listedOn = (html: string): string[] => [...html.matchAll(/<li>([\s\S]*?)<\/li>/g)].map(([, text]) => text!);

describe('creating, changing and deleting a stored scope mapping', () => {
  it('reaches the consent page, the tokens, userinfo and discovery at once', async () => {
    const created = await api('POST', '/api/v1/scope-mappings', {
      body: { scope: 'department', description: 'Your department', claims: { department: 'user.attributes.department', teams: 'user.groups' } },
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      scope: 'department',
      description: 'Your department',
      claims: ['department', 'teams'],
      claim_paths: { department: 'user.attributes.department', teams: 'user.groups' },
      special: false,
      source: 'stored',
      updated_at: expect.any(Number),
    });
    expect((await api('GET', '/api/v1/scope-mappings/department')).body).toEqual(created.body);
    // An application receives the scope once it may have it.
    const patched = await api('PATCH', '/api/v1/applications/rp', { body: { scopes: ['openid', 'profile', 'email', 'department'] } });
    expect(patched.body.application.scopes).toEqual(['openid', 'profile', 'email', 'department']);
    const discovered = await discoveryOf('rp');
    expect(discovered.scopes_supported).toContain('department');
    expect(discovered.claims_supported).toEqual(expect.arrayContaining(['department', 'teams']));

    const config = await clientFor(provider.baseUrl, 'rp', { id_token_signed_response_alg: 'ES256' });
    const first = await codeFlow(config, ada, 'openid department');
    expect(listedOn(first.htmlSeen[1]!)).toEqual(['Sign you in', 'Your department']);
    expect(first.tokens.scope).toBe('openid department');
    expect(first.tokens.claims()).toMatchObject({ department: 'Analytical Engines', teams: ['admins', 'staff'] });
    const sub = first.tokens.claims()!.sub;
    expect(await client.fetchUserInfo(config, first.tokens.access_token, sub)).toEqual({ sub, department: 'Analytical Engines', teams: ['admins', 'staff'] });

    const updated = await api('PUT', '/api/v1/scope-mappings/department', { body: { description: 'Your team and login', claims: { login: 'user.username' } } });
    expect(updated.body).toMatchObject({ scope: 'department', description: 'Your team and login', claims: ['login'], claim_paths: { login: 'user.username' } });
    // Claims are computed when asked for: the token issued before the change gets the new ones.
    expect(await client.fetchUserInfo(config, first.tokens.access_token, sub)).toEqual({ sub, login: 'ada' });
    const second = await codeFlow(config, ada, 'openid department');
    expect(listedOn(second.htmlSeen[1]!)).toEqual(['Sign you in', 'Your team and login']);
    expect(second.tokens.claims()).toMatchObject({ login: 'ada' });
    expect(second.tokens.claims()).not.toHaveProperty('department');
    const afterUpdate = (await discoveryOf('rp')).claims_supported;
    expect(afterUpdate).toContain('login');
    expect(afterUpdate).not.toContain('teams');

    expect((await api('DELETE', '/api/v1/scope-mappings/department')).status).toBe(204);
    expect((await api('GET', '/api/v1/scope-mappings/department')).status).toBe(404);
    expect((await api('DELETE', '/api/v1/scope-mappings/department')).status).toBe(404);
    // An unknown scope that the application still lists is granted as a bare name, like any
    // scope without a mapping: the consent page shows the name and no claim comes from it.
    const third = await codeFlow(config, ada, 'openid department');
    expect(listedOn(third.htmlSeen[1]!)).toEqual(['Sign you in', 'department']);
    expect(third.tokens.scope).toBe('openid department');
    expect(third.tokens.claims()).not.toHaveProperty('login');
    expect(await client.fetchUserInfo(config, third.tokens.access_token, sub)).toEqual({ sub });
    const afterDelete = await discoveryOf('rp');
    expect(afterDelete.scopes_supported).toContain('department');
    expect(afterDelete.claims_supported).not.toContain('login');
  });

  it('records each change in the audit trail', async () => {
    await api('POST', '/api/v1/scope-mappings', { body: { scope: 'audited', description: 'Audited', claims: {} } });
    await api('PUT', '/api/v1/scope-mappings/audited', { body: { description: 'Audited again', claims: {} } });
    await api('DELETE', '/api/v1/scope-mappings/audited');
    const events = await api('GET', '/api/v1/events', { query: { action: 'admin_operation', limit: '3' } });
    expect(events.body.items.map((event: { context: unknown }) => event.context)).toEqual([
      { operation: 'deleteScopeMapping', target: { scope: 'audited' } },
      { operation: 'updateScopeMapping', target: { scope: 'audited' } },
      { operation: 'createScopeMapping', target: {} },
    ]);
  });
});

describe('what the API refuses', () => {
  it('a second mapping for a scope that has one: stored, built in or configured in code', async () => {
    const body = { scope: 'twice', description: 'Twice', claims: {} };
    expect((await api('POST', '/api/v1/scope-mappings', { body })).status).toBe(201);
    for (const scope of ['twice', 'profile', 'openid', 'offline_access', 'gatehouse:api', 'read:user']) {
      const refused = await api('POST', '/api/v1/scope-mappings', { body: { ...body, scope } });
      expect([scope, refused.status, refused.body.error]).toEqual([scope, 409, 'conflict']);
    }
  });

  it('changing or deleting a mapping defined in code, and one that does not exist', async () => {
    for (const scope of ['openid', 'offline_access', 'email', 'gatehouse:api', 'read:user']) {
      const changed = await api('PUT', `/api/v1/scope-mappings/${encodeURIComponent(scope)}`, { body: { description: 'Mine now', claims: {} } });
      expect([scope, changed.status, changed.body.error_description]).toEqual([scope, 409, expect.stringContaining('read-only')]);
      expect((await api('DELETE', `/api/v1/scope-mappings/${encodeURIComponent(scope)}`)).status).toBe(409);
    }
    expect((await api('GET', '/api/v1/scope-mappings/email')).body).toMatchObject({ source: 'built_in', description: 'Your email address' });
    expect((await api('PUT', '/api/v1/scope-mappings/nowhere', { body: { description: 'No', claims: {} } })).status).toBe(404);
    expect((await api('GET', '/api/v1/scope-mappings/nowhere')).status).toBe(404);
  });

  it('scopes that are not RFC 6749 scope tokens, and claim paths the server cannot read', async () => {
    const issuesOf = async (body: unknown) => {
      const refused = await api('POST', '/api/v1/scope-mappings', { body });
      expect(refused.status).toBe(400);
      return refused.body.issues.map((issue: { path: string }) => issue.path);
    };
    expect(await issuesOf({ scope: 'two words', description: 'x', claims: {} })).toEqual(['body.scope']);
    expect(await issuesOf({ scope: 'quo"te', description: 'x', claims: {} })).toEqual(['body.scope']);
    expect(await issuesOf({ scope: 'back\\slash', description: 'x', claims: {} })).toEqual(['body.scope']);
    expect(await issuesOf({ scope: 'ok', description: ' ', claims: {} })).toEqual(['body.description']);
    expect(await issuesOf({ scope: 'ok', description: 'x', claims: { hash: 'user.passwordHash' } })).toEqual(['body.claims.hash']);
    expect(await issuesOf({ scope: 'ok', description: 'x', claims: { who: 'session.user' } })).toEqual(['body.claims.who']);
    expect(await issuesOf({ scope: 'ok', description: 'x', claims: { who: 'user.attributes..x' } })).toEqual(['body.claims.who']);
    expect(await issuesOf({ scope: 'ok', description: 'x', claims: ['user.groups'] })).toEqual(['body.claims']);
    expect((await api('GET', '/api/v1/scope-mappings/ok')).status).toBe(404);
  });
});

describe('the list', () => {
  it('tells where each mapping comes from', async () => {
    await api('POST', '/api/v1/scope-mappings', { body: { scope: 'listed', description: 'Listed', claims: { roles: 'user.groups' } } });
    const listed = await api('GET', '/api/v1/scope-mappings', { query: { limit: '200' } });
    const sourceOf = new Map(listed.body.items.map((mapping: { scope: string; source: string }) => [mapping.scope, mapping.source]));
    expect(Object.fromEntries(['openid', 'email', 'gatehouse:api', 'read:user', 'listed'].map((scope) => [scope, sourceOf.get(scope)]))).toEqual({
      openid: 'built_in',
      email: 'built_in',
      'gatehouse:api': 'configured',
      'read:user': 'configured',
      listed: 'stored',
    });
    const scopes = listed.body.items.map((mapping: { scope: string }) => mapping.scope);
    expect(scopes).toEqual([...scopes].sort());
  });
});
