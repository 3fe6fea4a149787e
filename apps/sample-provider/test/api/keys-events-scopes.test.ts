// Keys (public halves only; generate, rotate, retire), the audit trail (filters, paging, newest
// first) and the list of scope mappings (see scope-mappings.test.ts for changing them), through the management API.
import { startProvider, type RunningProvider } from '../provider-harness.js';
import { accessToken, admin, apiAs, apiSeed } from './api.fixtures.js';

let provider: RunningProvider;
let api: ReturnType<typeof apiAs>;
beforeAll(async () => {
  provider = await startProvider({
    ...apiSeed,
    scope_mappings: [{ scope: 'roles', description: 'Your groups', claims: { roles: 'user.groups' } }],
  });
  api = apiAs(provider.baseUrl, { token: await accessToken(provider.baseUrl, admin, 'gatehouse:api') });
});
afterAll(() => provider.close());

const jwksKids = async () => {
  const res = await fetch(`${provider.baseUrl}/application/o/console/jwks/`);
  return ((await res.json()) as { keys: { kid: string }[] }).keys.map((key) => key.kid);
};

describe('keys', () => {
  it('lists key versions with their public halves only', async () => {
    const listed = await api('GET', '/api/v1/keys');
    expect(listed.body.items).toEqual([
      expect.objectContaining({ name: 'default', alg: 'ES256', use: 'sig', current: true, public_jwk: expect.objectContaining({ kty: 'EC', crv: 'P-256' }) }),
    ]);
    expect(listed.body.items[0].public_jwk).not.toHaveProperty('d');
    expect(await jwksKids()).toEqual([listed.body.items[0].kid]);
  });

  it('generates a named key, and refuses a name in use or an unknown algorithm', async () => {
    const created = await api('POST', '/api/v1/keys', { body: { name: 'edge', alg: 'EdDSA' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'edge', alg: 'EdDSA', use: 'sig', current: true, public_jwk: { kty: 'OKP', crv: 'Ed25519' } });
    expect(created.body.public_jwk).not.toHaveProperty('d');
    expect((await api('POST', '/api/v1/keys', { body: { name: 'edge', alg: 'ES256' } })).status).toBe(409);
    const unknown = await api('POST', '/api/v1/keys', { body: { name: 'weak', alg: 'HS256' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.issues).toContainEqual(expect.objectContaining({ path: 'body.alg' }));
  });

  it('rotates a key: new tokens carry the new kid, both are published, and the old version can then be retired', async () => {
    const [before] = (await api('GET', '/api/v1/keys')).body.items.filter((key: { name: string }) => key.name === 'default');
    const rotated = await api('POST', '/api/v1/keys/default/rotate');
    expect(rotated.status).toBe(200);
    expect(rotated.body).toMatchObject({ name: 'default', current: true, applications: ['console'] });
    expect(rotated.body.kid).not.toBe(before.kid);
    expect(await jwksKids()).toEqual(expect.arrayContaining([before.kid, rotated.body.kid]));
    const token = await accessToken(provider.baseUrl, admin, 'openid gatehouse:api');
    expect(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()).kid).toBe(rotated.body.kid);
    const versions = (await api('GET', '/api/v1/keys')).body.items.filter((key: { name: string }) => key.name === 'default');
    expect(versions.map((key: { kid: string; current: boolean }) => [key.kid, key.current])).toEqual([[rotated.body.kid, true], [before.kid, false]]);

    expect((await api('POST', `/api/v1/keys/default/versions/${before.kid}/retire`)).status).toBe(204);
    expect(await jwksKids()).toEqual([rotated.body.kid]);
    // Tokens signed by the retired version no longer verify, this test's own included.
    expect((await api('GET', '/api/v1/keys')).status).toBe(401);
    api = apiAs(provider.baseUrl, { token });
    expect((await api('POST', `/api/v1/keys/default/versions/${before.kid}/retire`)).status).toBe(404);
    // The last version of a key an application signs with stays: retiring it would stop the application.
    const last = await api('POST', `/api/v1/keys/default/versions/${rotated.body.kid}/retire`);
    expect(last.status).toBe(409);
    expect(last.body.error_description).toContain('console');
  });

  it('answers 404 for rotating an unknown key', async () => {
    expect((await api('POST', '/api/v1/keys/nope/rotate')).status).toBe(404);
  });
});

describe('audit events', () => {
  it('lists events newest first, filtered by action, user, application and time, page by page', async () => {
    const users = await api('GET', '/api/v1/users');
    const ada = users.body.items.find((user: { username: string }) => user.username === 'ada');
    const created = await api('POST', '/api/v1/groups', { body: { name: 'audited' } });
    expect(created.status).toBe(201);

    const operations = await api('GET', '/api/v1/events', { query: { action: 'admin_operation', user_id: ada.id } });
    expect(operations.body.items[0]).toMatchObject({ action: 'admin_operation', user_id: ada.id, request_id: created.headers.get('x-request-id'), context: { operation: 'createGroup' } });
    const ids = operations.body.items.map((event: { id: number }) => event.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));

    const all = await api('GET', '/api/v1/events', { query: { limit: '200' } });
    const first = await api('GET', '/api/v1/events', { query: { limit: '3' } });
    const second = await api('GET', '/api/v1/events', { query: { limit: '3', cursor: first.body.next_cursor } });
    expect([...first.body.items, ...second.body.items]).toEqual(all.body.items.slice(0, 6));

    const consoleApp = (await api('GET', '/api/v1/applications/console')).body;
    const ofConsole = await api('GET', '/api/v1/events', { query: { application_id: consoleApp.id, limit: '200' } });
    expect(ofConsole.body.items.length).toBeGreaterThan(0);
    expect(ofConsole.body.items.every((event: { application_id: string }) => event.application_id === consoleApp.id)).toBe(true);

    const at = all.body.items[0].at;
    const inWindow = await api('GET', '/api/v1/events', { query: { since: String(at), until: String(at + 1), limit: '200' } });
    expect(inWindow.body.items.every((event: { at: number }) => event.at === at)).toBe(true);
    expect((await api('GET', '/api/v1/events', { query: { until: '1' } })).body.items).toEqual([]);
    expect((await api('GET', '/api/v1/events', { query: { since: 'yesterday' } })).status).toBe(400);
  });
});

describe('scope mappings', () => {
  it('lists the built-in, GitHub and seed mappings (stored by the seed), gatehouse:api as special with its consent text', async () => {
    const listed = await api('GET', '/api/v1/scope-mappings', { query: { limit: '200' } });
    const byScope = new Map(listed.body.items.map((mapping: { scope: string }) => [mapping.scope, mapping]));
    expect(byScope.get('gatehouse:api')).toEqual({
      scope: 'gatehouse:api', description: expect.stringContaining('administrator'), claims: [], claim_paths: null, special: true, source: 'configured', updated_at: null,
    });
    expect(byScope.get('roles')).toMatchObject({ description: 'Your groups', claims: ['roles'], claim_paths: { roles: 'user.groups' }, special: false, source: 'stored' });
    expect(byScope.get('email')).toMatchObject({ claims: ['email', 'email_verified'], source: 'built_in' });
    expect(byScope.has('read:user')).toBe(true);
  });
});
