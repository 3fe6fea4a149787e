// The GitHub-compatible user API at `/` and `/api/v3/`: token schemes, scope gating with
// X-OAuth-Scopes / X-Accepted-OAuth-Scopes, the shapes Octokit's types describe, pagination and
// GitHub's JSON errors.
import { testUser, type TestServer } from '../fixtures.js';
import { api, githubToken, mountRouter, startGithubServer } from './github.fixtures.js';

let t: TestServer;
const tokens: Record<string, string> = {};
beforeAll(async () => {
  t = await startGithubServer();
  for (const scope of ['read:user', 'user:email', 'user', 'read:org', 'read:user,read:org', 'openid']) tokens[scope] = await githubToken(t, scope);
});
afterAll(() => t.close());

const json = async (res: Response): Promise<any> => {
  expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
  return res.json();
};

const notFound = (documentationUrl: string = 'https://docs.github.com/rest') => ({ message: 'Not Found', documentation_url: documentationUrl, status: '404' });

const privateUserFields = [
  'login', 'id', 'node_id', 'avatar_url', 'gravatar_id', 'url', 'html_url', 'followers_url', 'following_url', 'gists_url',
  'starred_url', 'subscriptions_url', 'organizations_url', 'repos_url', 'events_url', 'received_events_url', 'type',
  'site_admin', 'name', 'company', 'blog', 'location', 'email', 'hireable', 'bio', 'public_repos', 'public_gists',
  'followers', 'following', 'created_at', 'updated_at', 'private_gists', 'total_private_repos', 'owned_private_repos',
  'disk_usage', 'collaborators', 'two_factor_authentication',
];

describe.each([
  ['github.com layout', ''],
  ['GitHub Enterprise layout', '/api/v3'],
])('%s', (_, prefix) => {
  describe.each(['token', 'Bearer', 'bearer'])('Authorization: %s', (scheme) => {
    it('GET /user returns the private user', async () => {
      const res = await api(t, `${prefix}/user`, tokens['read:user'], scheme);
      expect(res.status).toBe(200);
      const body = await json(res);
      for (const field of privateUserFields) expect(body).toHaveProperty(field);
      expect(body).toMatchObject({
        login: testUser.username,
        id: expect.any(Number),
        type: 'User',
        site_admin: false,
        name: testUser.name,
        email: null,
        url: `${t.baseUrl}${prefix}/users/alice`,
        html_url: `${t.baseUrl}/alice`,
        plan: { name: 'free', space: 0, collaborators: 0, private_repos: 0 },
      });
      expect(Number.isInteger(body.id) && body.id > 0 && body.id <= 0x7fffffff).toBe(true);
      expect(Buffer.from(body.node_id, 'base64').toString()).toBe(`04:User${body.id}`);
      expect(new Date(body.created_at).toISOString()).toMatch(/Z$/);
    });
  });

  it('sends the token\'s scopes and the accepted ones as headers', async () => {
    const res = await api(t, `${prefix}/user`, tokens['read:user,read:org']);
    expect(res.headers.get('x-oauth-scopes')).toBe('read:user, read:org');
    expect(res.headers.get('x-accepted-oauth-scopes')).toBe('read:user, user, user:email');
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('GET /user/emails lists the primary address', async () => {
    const res = await api(t, `${prefix}/user/emails`, tokens['user:email']);
    expect(await json(res)).toEqual([{ email: testUser.email, primary: true, verified: true, visibility: 'private' }]);
    expect(res.headers.get('x-accepted-oauth-scopes')).toBe('user, user:email');
  });

  it('GET /user/teams lists the groups as teams of the organization', async () => {
    const res = await api(t, `${prefix}/user/teams`, tokens['read:org']);
    const teams = await json(res);
    expect(teams.map((team: any) => [team.name, team.slug])).toEqual([['engineering', 'engineering'], ['admins', 'admins']]);
    expect(teams[0]).toMatchObject({
      id: expect.any(Number),
      node_id: expect.any(String),
      url: `${t.baseUrl}${prefix}/teams/${teams[0].id}`,
      html_url: `${t.baseUrl}/orgs/gatehouse/teams/engineering`,
      description: null,
      privacy: 'closed',
      permission: 'pull',
      parent: null,
      members_count: expect.any(Number),
      repos_count: expect.any(Number),
      organization: { login: 'gatehouse', id: expect.any(Number), node_id: expect.any(String), type: 'Organization', url: `${t.baseUrl}${prefix}/orgs/gatehouse` },
    });
    expect(res.headers.get('link')).toBeNull();
  });

  it('GET /user/orgs lists the organization', async () => {
    const orgs = await json(await api(t, `${prefix}/user/orgs`, tokens['read:org']));
    expect(orgs).toEqual([expect.objectContaining({ login: 'gatehouse', id: expect.any(Number), url: `${t.baseUrl}${prefix}/orgs/gatehouse`, description: null })]);
  });

  it.each([
    ['the token\'s own user', '/orgs/gatehouse/members/alice', 204],
    ['letter case aside', '/orgs/GateHouse/members/ALICE', 204],
    ['another user', '/orgs/gatehouse/members/bob', 404],
    ['another organization', '/orgs/acme/members/alice', 404],
  ])('GET /orgs/{org}/members/{username}: %s', async (__, path, status) => {
    const res = await api(t, `${prefix}${path}`, tokens['read:org']);
    expect(res.status).toBe(status);
    if (status === 204) expect(await res.text()).toBe('');
    else expect(await json(res)).toEqual(notFound('https://docs.github.com/rest/orgs/members#check-organization-membership-for-a-user'));
  });
});

describe('scope gating', () => {
  it.each([
    ['/user', 'read:user', 200],
    ['/user', 'user:email', 200],
    ['/user', 'user', 200],
    ['/user', 'read:org', 404],
    ['/user', 'openid', 404],
    ['/user/emails', 'user:email', 200],
    ['/user/emails', 'user', 200],
    ['/user/emails', 'read:user', 404],
    ['/user/teams', 'read:org', 200],
    ['/user/teams', 'user', 404],
    ['/user/teams', 'read:user', 404],
    ['/user/orgs', 'read:org', 200],
    ['/user/orgs', 'user', 200],
    ['/user/orgs', 'read:user', 404],
    ['/orgs/gatehouse/members/alice', 'read:org', 204],
    ['/orgs/gatehouse/members/alice', 'user', 204],
    ['/orgs/gatehouse/members/alice', 'user:email', 404],
  ])('%s with %s: %i', async (path, scope, status) => {
    const res = await api(t, `/api/v3${path}`, tokens[scope]);
    expect(res.status).toBe(status);
    expect(res.headers.get('x-oauth-scopes')).toBe(scope);
    if (status === 404) expect((await json(res)).message).toBe('Not Found');
  });

  it.each([
    ['read:user', null],
    ['user:email', testUser.email],
    ['user', testUser.email],
  ])('GET /user shows the email with %s: %s', async (scope, email) => {
    expect((await json(await api(t, '/user', tokens[scope]))).email).toBe(email);
  });
});

describe('pagination', () => {
  it('pages with per_page and page and links the others', async () => {
    const first = await api(t, '/api/v3/user/teams?per_page=1', tokens['read:org']);
    expect((await json(first)).map((team: any) => team.name)).toEqual(['engineering']);
    const base = `${t.baseUrl}/api/v3/user/teams`;
    expect(first.headers.get('link')).toBe(`<${base}?per_page=1&page=2>; rel="next", <${base}?per_page=1&page=2>; rel="last"`);

    const second = await api(t, '/api/v3/user/teams?per_page=1&page=2', tokens['read:org']);
    expect((await json(second)).map((team: any) => team.name)).toEqual(['admins']);
    expect(second.headers.get('link')).toBe(`<${base}?per_page=1&page=1>; rel="prev", <${base}?per_page=1&page=1>; rel="first"`);
  });

  it('answers an empty page past the end', async () => {
    const res = await api(t, '/user/teams?per_page=1&page=3', tokens['read:org']);
    expect(await json(res)).toEqual([]);
    expect(res.headers.get('link')).toContain('rel="prev"');
  });

  it.each(['0', '-1', 'abc', '1000'])('falls back to GitHub\'s limits for per_page=%s', async (perPage) => {
    expect(await json(await api(t, `/user/teams?per_page=${perPage}`, tokens['read:org']))).toHaveLength(2);
  });
});

describe('authentication errors', () => {
  it('answers 401 "Requires authentication" without a token', async () => {
    const res = await api(t, '/api/v3/user');
    expect(res.status).toBe(401);
    expect(await json(res)).toEqual({ message: 'Requires authentication', documentation_url: 'https://docs.github.com/rest/users/users#get-the-authenticated-user', status: '401' });
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="gatehouse"');
  });

  it.each([
    ['an invalid token', 'token not-a-token'],
    ['a Basic header', `Basic ${Buffer.from('alice:secret').toString('base64')}`],
    ['a scheme without token', 'token'],
  ])('answers 401 "Bad credentials" for %s', async (_, authorization) => {
    const res = await fetch(`${t.baseUrl}/user/emails`, { headers: { authorization } });
    expect(res.status).toBe(401);
    expect(await json(res)).toEqual({ message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' });
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="gatehouse", error="invalid_token"');
  });

  it('answers 401 for a token whose grant was revoked', async () => {
    const token = await githubToken(t, 'read:user');
    const { jti } = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { jti: string };
    await t.stores.accessTokens.revoke(jti, t.clock.now());
    expect((await api(t, '/user', token)).status).toBe(401);
  });
});

describe('everything else', () => {
  it.each(['/api/v3', '/api/v3/', '/api/v3/repos/alice/project', '/api/v3/users/alice', '/api/v3/user/repos'])('GET %s is GitHub\'s JSON 404', async (path) => {
    const res = await api(t, path, tokens['user']);
    expect(res.status).toBe(404);
    expect(await json(res)).toEqual(notFound());
  });

  it.each(['POST', 'PATCH', 'DELETE', 'PUT'])('%s on an API path is GitHub\'s JSON 404', async (method) => {
    for (const path of ['/api/v3/user', '/api/v3/repos/a/b', '/user/emails']) {
      const res = await api(t, path, tokens['user'], 'token', method);
      expect(res.status).toBe(404);
      expect((await json(res)).message).toBe('Not Found');
    }
  });

  it('leaves other paths at the root to the host application', async () => {
    const res = await api(t, '/users/alice', tokens['user']);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
  });
});

describe('router options', () => {
  it('names the organization after the github.organization option', async () => {
    const other = await mountRouter(t.server, { github: { organization: 'acme', organizationName: 'Acme Inc.' } });
    try {
      const [team] = await json(await api(other.baseUrl, '/user/teams', tokens['read:org']));
      expect(team.organization).toMatchObject({ login: 'acme', name: 'Acme Inc.' });
      expect((await api(other.baseUrl, '/orgs/acme/members/alice', tokens['read:org'])).status).toBe(204);
      expect((await api(other.baseUrl, '/orgs/gatehouse/members/alice', tokens['read:org'])).status).toBe(404);
    } finally {
      await other.close();
    }
  });

  it('leaves every GitHub path to the host application with github: false', async () => {
    const other = await mountRouter(t.server, { github: false });
    try {
      for (const path of ['/user', '/api/v3/user', '/api/v3/anything', '/login/oauth/authorize']) {
        const res = await api(other.baseUrl, path, tokens['user']);
        expect(res.status).toBe(404);
        expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      }
    } finally {
      await other.close();
    }
  });
});
