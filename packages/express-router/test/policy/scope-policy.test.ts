// The scope authorization policy (behaviour spec §4.4, issue 4): `hooks.authorizeScopes` and the
// application's `allowedGroups` are asked at the authorization endpoint (access_denied redirect)
// and again at the token endpoint (invalid_grant).
import type { ScopePolicyContext } from '@gatehouse/core';
import { makeUser } from '@gatehouse/core/testing';
import {
  authorize,
  codeRequest,
  customClient,
  exchangeCode,
  jsonOf,
  locationOf,
  obtainCode,
  pkcePair,
  startTestServer,
  testUser,
  type TestClient,
  type TestServer,
} from '../fixtures.js';

const { client: hooked, application: hookedApplication } = customClient('policy-hooked');
const { client: grouped, application: groupedApplication } = customClient('policy-grouped', { allowedGroups: ['engineering', 'staff'] });
const mallory = makeUser({ id: 'user-mallory', username: 'mallory', groups: ['sales'] });
const greta = makeUser({ id: 'user-greta', username: 'greta', groups: ['staff'] });

type Policy = (context: ScopePolicyContext) => boolean | Promise<boolean>;
/** What the hook answers for `policy-hooked`; every other application is allowed. Reset before each test. */
let policy: Policy;
let seen: ScopePolicyContext[];

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({
    applications: [hookedApplication, groupedApplication],
    users: [mallory, greta],
    hooks: {
      authorizeScopes: (context) => {
        if (context.application.id !== hookedApplication.id) return true;
        seen.push(context);
        return policy(context);
      },
    },
  });
});
afterAll(() => t.close());
beforeEach(() => {
  policy = () => true;
  seen = [];
});

function expectAccessDenied(res: Response, c: TestClient, slug: string): void {
  expect(res.status).toBe(302);
  const location = locationOf(res);
  expect(`${location.origin}${location.pathname}`).toBe(c.redirectUri);
  expect(Object.fromEntries(location.searchParams)).toEqual({
    error: 'access_denied',
    error_description: 'the user may not use this application with these scopes',
    state: 'xyz',
    iss: t.issuer(slug),
  });
}

async function expectInvalidGrant(res: Response): Promise<void> {
  expect(res.status).toBe(400);
  expect(res.headers.get('cache-control')).toBe('no-store');
  expect(await jsonOf(res)).toEqual({
    error: 'invalid_grant',
    error_description: 'the user may not use this application with these scopes',
    request_id: res.headers.get('x-request-id'),
  });
}

describe('hooks.authorizeScopes at the authorization endpoint', () => {
  it('redirects access_denied when a sync hook returns false', async () => {
    policy = () => false;
    expectAccessDenied(await authorize(t, codeRequest(hooked), { user: testUser.id }), hooked, 'policy-hooked');
    expect(seen).toHaveLength(1);
  });

  it('redirects access_denied when an async hook resolves to false', async () => {
    policy = async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return false;
    };
    expectAccessDenied(await authorize(t, codeRequest(hooked), { user: testUser.id }), hooked, 'policy-hooked');
  });

  it('issues a code when an async hook resolves to true', async () => {
    policy = async () => true;
    const res = await authorize(t, codeRequest(hooked), { user: testUser.id });
    expect(res.status).toBe(302);
    expect(locationOf(res).searchParams.get('code')).not.toBeNull();
  });

  it('decides per scope: denies a request with email, allows one without', async () => {
    policy = ({ scopes }) => !scopes.includes('email');
    expectAccessDenied(await authorize(t, codeRequest(hooked, { scope: 'openid email' }), { user: testUser.id }), hooked, 'policy-hooked');
    const res = await authorize(t, codeRequest(hooked, { scope: 'openid profile' }), { user: testUser.id });
    expect(locationOf(res).searchParams.get('code')).not.toBeNull();
  });

  it('receives the user, the application, the granted scopes, the grant type and the redirect URI, and no code verifier', async () => {
    const { challenge } = pkcePair();
    await authorize(t, codeRequest(hooked, { scope: 'openid unknown profile', code_challenge: challenge, code_challenge_method: 'S256' }), { user: testUser.id });
    expect(seen).toEqual([
      {
        user: testUser,
        application: hookedApplication,
        scopes: ['openid', 'profile'],
        grantType: 'authorization_code',
        codeVerifier: undefined,
        jwt: undefined,
        redirectUri: hooked.redirectUri,
      },
    ]);
  });

  it('is not asked before the user has signed in', async () => {
    policy = () => false;
    const res = await authorize(t, codeRequest(hooked));
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toMatch(/^\/login\?next=/);
    expect(seen).toEqual([]);
  });
});

describe('hooks.authorizeScopes at the token endpoint', () => {
  it('receives the code verifier, the scopes and the redirect URI of the code', async () => {
    const { verifier, challenge } = pkcePair();
    const code = await obtainCode(t, hooked, { scope: 'openid email', code_challenge: challenge, code_challenge_method: 'S256' });
    seen = [];
    const res = await exchangeCode(t, hooked, code, { code_verifier: verifier });
    expect(res.status).toBe(200);
    expect(seen).toEqual([
      {
        user: testUser,
        application: hookedApplication,
        scopes: ['openid', 'email'],
        grantType: 'authorization_code',
        codeVerifier: verifier,
        jwt: undefined,
        redirectUri: hooked.redirectUri,
      },
    ]);
  });

  it('refuses the code exchange with invalid_grant when the hook allows at authorize but denies at the token endpoint (sees a code verifier)', async () => {
    policy = ({ codeVerifier }) => codeVerifier === undefined;
    const { verifier, challenge } = pkcePair();
    const code = await obtainCode(t, hooked, { code_challenge: challenge, code_challenge_method: 'S256' });
    await expectInvalidGrant(await exchangeCode(t, hooked, code, { code_verifier: verifier }));
  });

  it('refuses the code exchange with invalid_grant when an async hook denies its second call', async () => {
    let calls = 0;
    policy = async () => ++calls === 1;
    const code = await obtainCode(t, hooked);
    await expectInvalidGrant(await exchangeCode(t, hooked, code));
    expect(calls).toBe(2);
  });

  it('consumes the refused code: it cannot be exchanged once the hook allows again', async () => {
    let calls = 0;
    policy = () => ++calls === 1;
    const code = await obtainCode(t, hooked);
    await expectInvalidGrant(await exchangeCode(t, hooked, code));
    policy = () => true;
    const again = await exchangeCode(t, hooked, code);
    expect(again.status).toBe(400);
    expect((await jsonOf(again))['error']).toBe('invalid_grant');
  });
});

describe('allowedGroups', () => {
  it('lets members of any allowed group through', async () => {
    for (const user of [testUser.id, greta.id]) {
      const res = await authorize(t, codeRequest(grouped), { user });
      expect(res.status).toBe(302);
      expect(locationOf(res).searchParams.get('code')).not.toBeNull();
    }
  });

  it('redirects access_denied at the authorization endpoint for a user outside the groups', async () => {
    expectAccessDenied(await authorize(t, codeRequest(grouped), { user: mallory.id }), grouped, 'policy-grouped');
  });

  it('refuses the code exchange with invalid_grant when the user left the groups after authorizing', async () => {
    const leaver = makeUser({ id: 'user-leaver', username: 'leaver', groups: ['engineering'] });
    await t.stores.users.save(leaver);
    const code = await obtainCode(t, grouped, {}, { user: leaver.id });
    await t.stores.users.save({ ...leaver, groups: ['sales'] });
    await expectInvalidGrant(await exchangeCode(t, grouped, code));
  });
});
