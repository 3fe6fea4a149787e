// Users and groups through the management API: search and paging, creation, changes and
// deactivation, passwords, groups and their members.
import { startProvider, type RunningProvider } from '../provider-harness.js';
import { accessToken, admin, apiAs, apiSeed, signedInBrowser } from './api.fixtures.js';

let provider: RunningProvider;
let api: ReturnType<typeof apiAs>;
beforeAll(async () => {
  provider = await startProvider(apiSeed);
  api = apiAs(provider.baseUrl, { token: await accessToken(provider.baseUrl, admin, 'gatehouse:api') });
  for (const username of ['dave', 'erin', 'frank']) {
    expect((await api('POST', '/api/v1/users', { body: { username, name: `${username[0]!.toUpperCase()}${username.slice(1)} Example`, email: `${username}@corp.example` } })).status).toBe(201);
  }
});
afterAll(() => provider.close());

const usernames = (body: { items: { username: string }[] }) => body.items.map((user) => user.username);

describe('users', () => {
  it('lists users by username, page by page', async () => {
    const first = await api('GET', '/api/v1/users', { query: { limit: '2' } });
    expect(usernames(first.body)).toEqual(['ada', 'bob']);
    const second = await api('GET', '/api/v1/users', { query: { limit: '2', cursor: first.body.next_cursor } });
    expect(usernames(second.body)).toEqual(['dave', 'erin']);
    const third = await api('GET', '/api/v1/users', { query: { limit: '2', cursor: second.body.next_cursor } });
    expect(usernames(third.body)).toEqual(['frank']);
    expect(third.body.next_cursor).toBeNull();
  });

  it('searches usernames, names and emails in any case, and lists the members of a group', async () => {
    expect(usernames((await api('GET', '/api/v1/users', { query: { search: 'CORP.example' } })).body)).toEqual(['dave', 'erin', 'frank']);
    expect(usernames((await api('GET', '/api/v1/users', { query: { search: 'lovelace' } })).body)).toEqual(['ada']);
    expect(usernames((await api('GET', '/api/v1/users', { query: { group: 'staff' } })).body)).toEqual(['ada', 'bob']);
    expect((await api('GET', '/api/v1/users', { query: { search: '%' } })).body.items).toEqual([]);
  });

  it('creates a user and shows them without any password hash; a taken username is a 409', async () => {
    const created = await api('POST', '/api/v1/users', { body: { username: 'grace', name: 'Grace Hopper', password: 'a long passphrase', groups: ['staff'] } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ username: 'grace', name: 'Grace Hopper', groups: ['staff'], is_active: true, has_password: true, type: 'internal' });
    expect(JSON.stringify(created.body)).not.toMatch(/argon2|passphrase/);
    expect((await api('GET', '/api/v1/users/grace')).body).toEqual(created.body);
    const taken = await api('POST', '/api/v1/users', { body: { username: 'grace' } });
    expect(taken.status).toBe(409);
    expect(taken.body.error).toBe('conflict');
  });

  it('refuses invalid users with the fields at fault', async () => {
    const res = await api('POST', '/api/v1/users', { body: { username: '', email: 'not-an-email', password: 'short', is_active: 'yes' } });
    expect(res.status).toBe(400);
    expect(res.body.issues.map((issue: { path: string }) => issue.path)).toEqual(expect.arrayContaining(['body.username', 'body.email', 'body.password', 'body.is_active']));
  });

  it('changes only the fields given, refuses unknown ones, and deactivates a user', async () => {
    const changed = await api('PATCH', '/api/v1/users/dave', { body: { name: 'David', email_verified: true, attributes: { department: 'ops' } } });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ username: 'dave', name: 'David', email: 'dave@corp.example', email_verified: true, attributes: { department: 'ops' }, is_active: true });
    expect((await api('PATCH', '/api/v1/users/dave', { body: { password_hash: 'x' } })).status).toBe(400);
    expect((await api('PATCH', '/api/v1/users/dave', { body: { is_active: false } })).body.is_active).toBe(false);
    expect((await api('GET', '/api/v1/users/dave')).body).toMatchObject({ name: 'David', is_active: false });
    expect((await api('PATCH', '/api/v1/users/nobody', { body: { name: 'x' } })).status).toBe(404);
  });

  it('sets a password the user can then sign in with', async () => {
    expect((await api('PUT', '/api/v1/users/erin/password', { body: { password: 'erin-new-password' } })).status).toBe(204);
    await expect(signedInBrowser(provider.baseUrl, { username: 'erin', password: 'erin-new-password' })).resolves.toBeDefined();
    const short = await api('PUT', '/api/v1/users/erin/password', { body: { password: 'short' } });
    expect(short.status).toBe(400);
    expect(short.body.issues).toContainEqual(expect.objectContaining({ path: 'body.password' }));
  });
});

describe('groups', () => {
  it('creates, lists and deletes groups; a taken name is a 409, an unknown one a 404', async () => {
    expect((await api('POST', '/api/v1/groups', { body: { name: 'ops' } })).status).toBe(201);
    expect((await api('POST', '/api/v1/groups', { body: { name: 'ops' } })).status).toBe(409);
    expect((await api('GET', '/api/v1/groups')).body.items).toEqual([{ name: 'admins' }, { name: 'ops' }, { name: 'staff' }]);
    expect((await api('DELETE', '/api/v1/groups/ops')).status).toBe(204);
    expect((await api('DELETE', '/api/v1/groups/ops')).status).toBe(404);
    expect((await api('POST', '/api/v1/groups', { body: { name: '   ' } })).status).toBe(400);
  });

  it('adds and removes members, and a deleted group loses its members', async () => {
    expect((await api('POST', '/api/v1/groups', { body: { name: 'oncall' } })).status).toBe(201);
    const added = await api('PUT', '/api/v1/groups/oncall/members/frank');
    expect(added.status).toBe(200);
    expect(added.body.groups).toEqual(['oncall']);
    expect((await api('PUT', '/api/v1/groups/oncall/members/frank')).body.groups).toEqual(['oncall']);
    await api('PUT', '/api/v1/groups/oncall/members/bob');
    expect(usernames((await api('GET', '/api/v1/groups/oncall/members')).body)).toEqual(['bob', 'frank']);

    expect((await api('DELETE', '/api/v1/groups/oncall/members/frank')).status).toBe(204);
    expect((await api('DELETE', '/api/v1/groups/oncall/members/frank')).status).toBe(404);
    expect(usernames((await api('GET', '/api/v1/groups/oncall/members')).body)).toEqual(['bob']);

    expect((await api('DELETE', '/api/v1/groups/oncall')).status).toBe(204);
    expect((await api('GET', '/api/v1/users/bob')).body.groups).toEqual(['staff']);
    expect((await api('GET', '/api/v1/groups/oncall/members')).status).toBe(404);
    expect((await api('PUT', '/api/v1/groups/staff/members/nobody')).status).toBe(404);
  });

  it('makes a user an administrator by adding them to the admin group', async () => {
    const created = await api('POST', '/api/v1/users/frank/app-passwords', { body: { name: 'cli' } });
    const franksToken = await accessToken(provider.baseUrl, { username: 'frank', appPassword: created.body.token }, 'gatehouse:api');
    expect((await apiAs(provider.baseUrl, { token: franksToken })('GET', '/api/v1/groups')).status).toBe(403);
    await api('PUT', '/api/v1/groups/admins/members/frank');
    expect((await apiAs(provider.baseUrl, { token: franksToken })('GET', '/api/v1/groups')).status).toBe(200);
  });
});
