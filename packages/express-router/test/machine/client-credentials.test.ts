// client_credentials and password, one code path (behaviour spec §3.6, edge cases 37-44, seed
// document 003, issue 5): username + app password, base64(username:app_password) as the client
// secret (post and Basic), the application's own secret (a service account created on first use);
// scope = requested ∩ application scopes; never a refresh token; the policy hook and allowedGroups
// decide for the machine's user.
import { digestToken, type Application, type ScopePolicyContext, type User } from '@gatehouse/core';
import { makeUser } from '@gatehouse/core/testing';
import { decodeJwt } from 'jose';
import {
  basicAuthorization,
  customClient,
  jsonOf,
  postForm,
  startTestServer,
  testUser,
  tokenPath,
  userinfo,
  verifyJwt,
  type Json,
  type Params,
  type TestClient,
  type TestServer,
} from '../fixtures.js';
import { expectInvalidClient, expectTokenError } from '../token-helpers.js';

const grantTypes = ['client_credentials', 'password'] as const;
type GrantType = (typeof grantTypes)[number];

// One application per grant type, so that "first use" is first for each.
const machines: Record<GrantType, { readonly client: TestClient; readonly application: Application }> = {
  client_credentials: customClient('m2m-cc'),
  password: customClient('m2m-pw'),
};
const { client: grouped, application: groupedApplication } = customClient('m2m-grouped', { allowedGroups: ['engineering'] });
const { client: hooked, application: hookedApplication } = customClient('m2m-hooked');

const robot: User = makeUser({ id: 'user-robot', uuid: '2c5e8a4b-7d1f-4e3a-9b6c-0d2e4f6a8b1c', username: 'robot', name: 'Robot', email: null, groups: [], type: 'service_account' });
const dora: User = makeUser({ id: 'user-dora', uuid: '3a6f9b5c-8e2a-4f4b-8c7d-1e3f5a7b9c2d', username: 'dora', isActive: false });
const carol: User = makeUser({ id: 'user-carol', uuid: '4b7a0c6d-9f3b-4a5c-9d8e-2f4a6b8c0d3e', username: 'carol', groups: ['sales'] });
/** Expired on the day the suite starts (epoch seconds in the past). */
const expired = makeUser({ id: 'user-expired', uuid: '5c8b1d7e-0a4c-4b6d-8e9f-3a5b7c9d1e4f', username: 'gone', expiresAt: 1_000_000_000 });

const tokens = {
  robot: 'robot-app-password-0123456789',
  alice: 'alice-app-password-0123456789',
  dora: 'dora-app-password-0123456789',
  carol: 'carol-app-password-0123456789',
  gone: 'gone-app-password-0123456789',
  robotExpired: 'robot-expired-password-0123456789',
  robotExpiringNow: 'robot-expiring-now-password-01234',
  robotValidAMinute: 'robot-one-minute-password-0123456',
};

type Policy = (context: ScopePolicyContext) => boolean;
let policy: Policy;
let seen: ScopePolicyContext[];

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({
    applications: [machines.client_credentials.application, machines.password.application, groupedApplication, hookedApplication],
    users: [robot, dora, carol, expired],
    hooks: {
      authorizeScopes: (context) => {
        if (context.application.id !== hookedApplication.id) return true;
        seen.push(context);
        return policy(context);
      },
    },
  });
  const now = t.clock.now();
  const save = (user: User, name: string, token: string, expiresAt: number | null = null) =>
    t.stores.appPasswords.save({ id: `${user.id}-${name}`, userId: user.id, name, tokenDigest: digestToken(token), expiresAt });
  await save(robot, 'ci', tokens.robot);
  await save(testUser, 'laptop', tokens.alice);
  await save(dora, 'ci', tokens.dora);
  await save(carol, 'ci', tokens.carol);
  await save(expired, 'ci', tokens.gone);
  await save(robot, 'old', tokens.robotExpired, now - 1);
  await save(robot, 'edge', tokens.robotExpiringNow, now);
  await save(robot, 'soon', tokens.robotValidAMinute, now + 60);
});
afterAll(() => t.close());
beforeEach(() => {
  policy = () => true;
  seen = [];
});

const encoded = (username: string, token: string) => Buffer.from(`${username}:${token}`).toString('base64');

/** A token request of grant type `grantType` as `c` with `params` in the body. */
function machineRequest(grantType: GrantType, c: TestClient, params: Params, headers: Record<string, string> = {}): Promise<Response> {
  return postForm(t, tokenPath, { grant_type: grantType, ...(headers['authorization'] ? {} : { client_id: c.clientId }), ...params }, { headers });
}

/** A successful machine token response: exact keys (no refresh_token ever), the body. */
async function expectMachineTokens(res: Response, scope: string): Promise<Json> {
  const body = await jsonOf(res);
  expect({ status: res.status, error: body['error_description'] }).toEqual({ status: 200, error: undefined });
  const keys = ['access_token', 'expires_in', 'scope', 'token_type', ...(scope.split(' ').includes('openid') ? ['id_token'] : [])].sort();
  expect(Object.keys(body).sort()).toEqual(keys);
  expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope });
  return body;
}

async function usernameOf(accessToken: string): Promise<string> {
  const res = await userinfo(t, accessToken);
  const body = await jsonOf(res);
  expect({ status: res.status, error: body['error'] }).toEqual({ status: 200, error: undefined });
  return body['preferred_username'] as string;
}

// Login events are written after the response, in batches: flush before reading them.
const loginEvents = async (applicationId: string) => (await t.server.flushEvents(), t.stores.recordedEvents).filter((event) => event.action === 'login' && event.applicationId === applicationId);
const denied = 'the client credentials are invalid';

describe.each(grantTypes)('grant_type=%s', (grantType) => {
  const { client: c, application } = machines[grantType];

  describe('username and app password', () => {
    it('issues tokens for the app password owner, without a refresh token even for offline_access', async () => {
      const before = (await loginEvents(application.id)).length;
      const res = await machineRequest(grantType, c, { username: 'robot', password: tokens.robot, scope: 'openid profile offline_access' });
      const body = await expectMachineTokens(res, 'openid profile');
      expect(await usernameOf(body['access_token'])).toBe('robot');
      const idToken = await verifyJwt(t, c.slug, body['id_token'], { audience: c.clientId });
      const now = t.clock.now();
      expect(idToken.payload['auth_time']).toBeGreaterThanOrEqual(now - 2);
      expect(idToken.payload['auth_time']).toBeLessThanOrEqual(now);
      expect(idToken.payload['sid']).toBeUndefined();
      expect(idToken.payload['nonce']).toBeUndefined();
      expect(idToken.payload['preferred_username']).toBe('robot');
      expect(decodeJwt(body['access_token'])).toMatchObject({ sub: idToken.payload.sub, client_id: c.clientId, scope: 'openid profile' });
      expect((await loginEvents(application.id)).slice(before)).toEqual([
        { action: 'login', at: expect.any(Number), applicationId: application.id, userId: robot.id, requestId: res.headers.get('x-request-id'), context: { method: 'app_password' } },
      ]);
    });

    it('issues tokens for a person with an app password', async () => {
      const body = await expectMachineTokens(await machineRequest(grantType, c, { username: 'alice', password: tokens.alice, scope: 'openid email' }), 'openid email');
      expect((await jsonOf(await userinfo(t, body['access_token'])))['email']).toBe('alice@example.com');
    });

    it.each([
      ['an unknown user', 'nobody', tokens.robot],
      ['a wrong token', 'robot', 'robot-app-password-wrong-0123456'],
      ['another user’s token', 'alice', tokens.robot],
      ['the named user with another user’s token', 'robot', tokens.alice],
      ['a deactivated user', 'dora', tokens.dora],
      ['an expired account', 'gone', tokens.gone],
      ['an expired app password', 'robot', tokens.robotExpired],
      ['an app password expiring this very second', 'robot', tokens.robotExpiringNow],
      ['a real password instead of an app password', 'alice', 'Alice-Password-42!'],
    ])('refuses %s with invalid_grant', async (_case, username, password) => {
      await expectTokenError(await machineRequest(grantType, c, { username, password, scope: 'openid' }), 400, 'invalid_grant', denied);
    });

    it('refuses a username without a password with invalid_grant', async () => {
      await expectTokenError(await machineRequest(grantType, c, { username: 'robot' }), 400, 'invalid_grant', denied);
    });

    it('accepts an app password that has not expired yet', async () => {
      const body = await expectMachineTokens(await machineRequest(grantType, c, { username: 'robot', password: tokens.robotValidAMinute, scope: 'openid profile' }), 'openid profile');
      expect(await usernameOf(body['access_token'])).toBe('robot');
    });
  });

  describe('base64(username:app_password) as the client secret', () => {
    it('accepts it as client_secret in the body', async () => {
      const body = await expectMachineTokens(await machineRequest(grantType, c, { client_secret: encoded('robot', tokens.robot), scope: 'openid profile' }), 'openid profile');
      expect(await usernameOf(body['access_token'])).toBe('robot');
    });

    it('accepts it as the Basic secret, form-encoded or raw', async () => {
      const secret = encoded('alice', tokens.alice);
      for (const authorization of [basicAuthorization(c.clientId, secret), `Basic ${Buffer.from(`${c.clientId}:${secret}`).toString('base64')}`]) {
        const body = await expectMachineTokens(await machineRequest(grantType, c, { scope: 'openid profile' }, { authorization }), 'openid profile');
        expect(await usernameOf(body['access_token'])).toBe('alice');
      }
    });

    it.each([
      ['a wrong token', encoded('robot', 'robot-app-password-wrong-0123456')],
      ['a wrong user', encoded('alice', tokens.robot)],
      ['a deactivated user', encoded('dora', tokens.dora)],
    ])('refuses %s with invalid_grant in the body and 401 invalid_client in Basic', async (_case, secret) => {
      await expectTokenError(await machineRequest(grantType, c, { client_secret: secret, scope: 'openid' }), 400, 'invalid_grant', denied);
      await expectInvalidClient(await machineRequest(grantType, c, { scope: 'openid' }, { authorization: basicAuthorization(c.clientId, secret) }));
    });
  });

  describe('the application’s own secret', () => {
    const username = `gatehouse-${c.slug}-client_credentials`;

    it('creates the service account on first use and reuses it afterwards', async () => {
      expect(await t.stores.users.findByUsername(username)).toBeNull();
      const before = (await loginEvents(application.id)).length;
      const first = await expectMachineTokens(await machineRequest(grantType, c, { client_secret: c.secret!, scope: 'openid profile' }), 'openid profile');
      const account = await t.stores.users.findByUsername(username);
      expect(account).toEqual({
        id: expect.any(String),
        uuid: account?.id,
        username,
        name: `Autogenerated user from application App ${c.slug} (client credentials)`,
        email: null,
        emailVerified: false,
        groups: [],
        attributes: { 'gatehouse.io/user/generated': true },
        isActive: true,
        type: 'service_account',
      });
      expect(await usernameOf(first['access_token'])).toBe(username);
      expect((await loginEvents(application.id)).slice(before).map((event) => [event.userId, event.context])).toEqual([[account!.id, { method: 'client_secret' }]]);

      const second = await expectMachineTokens(
        await machineRequest(grantType, c, { scope: 'openid profile' }, { authorization: basicAuthorization(c.clientId, c.secret!) }),
        'openid profile',
      );
      expect((await t.stores.users.findByUsername(username))!.id).toBe(account!.id);
      expect(decodeJwt(second['access_token']).sub).toBe(decodeJwt(first['access_token']).sub);
    });

    it('refuses a wrong secret with invalid_grant in the body and 401 invalid_client with a challenge in Basic', async () => {
      await expectTokenError(await machineRequest(grantType, c, { client_secret: `${c.secret}foo`, scope: 'openid' }), 400, 'invalid_grant', denied);
      await expectInvalidClient(await machineRequest(grantType, c, { scope: 'openid' }, { authorization: basicAuthorization(c.clientId, `${c.secret}foo`) }));
    });

    it('refuses an unknown client with 401 invalid_client', async () => {
      await expectInvalidClient(await postForm(t, tokenPath, { grant_type: grantType, client_id: 'nobody-client', client_secret: c.secret!, scope: 'openid' }));
    });
  });

  describe('scope', () => {
    const withSecret = (scope?: string) => machineRequest(grantType, c, { client_secret: c.secret!, ...(scope !== undefined ? { scope } : {}) });

    it('grants the requested scopes the application has and silently drops unknown ones', async () => {
      const body = await expectMachineTokens(await withSecret('openid email profile extra_scope'), 'openid email profile');
      expect(decodeJwt(body['access_token'])['scope']).toBe('openid email profile');
    });

    it('grants an empty scope (no openid, no ID token) when none is requested', async () => {
      const body = await expectMachineTokens(await withSecret(), '');
      expect(decodeJwt(body['access_token'])['scope']).toBe('');
      expect((await userinfo(t, body['access_token'])).status).toBe(403);
    });

    it('never grants offline_access nor a refresh token', async () => {
      await expectMachineTokens(await withSecret('offline_access'), '');
      await expectMachineTokens(await withSecret('openid offline_access'), 'openid');
      await expectMachineTokens(
        await machineRequest(grantType, c, { username: 'robot', password: tokens.robot, scope: 'offline_access email' }),
        'email',
      );
    });
  });

  describe('policy', () => {
    it('shows the hook the grant type, the granted scopes and the machine user, and turns a denial into invalid_grant', async () => {
      await expectMachineTokens(await machineRequest(grantType, hooked, { username: 'robot', password: tokens.robot, scope: 'openid profile nope' }), 'openid profile');
      expect(seen).toEqual([
        {
          user: robot,
          application: hookedApplication,
          scopes: ['openid', 'profile'],
          grantType,
          codeVerifier: undefined,
          jwt: undefined,
          redirectUri: undefined,
        },
      ]);

      policy = (context) => !context.scopes.includes('email');
      await expectTokenError(
        await machineRequest(grantType, hooked, { username: 'robot', password: tokens.robot, scope: 'openid email' }),
        400,
        'invalid_grant',
        'the client may not use this application with these scopes',
      );
      await expectTokenError(await machineRequest(grantType, hooked, { client_secret: hooked.secret!, scope: 'email' }), 400, 'invalid_grant');
      expect(seen.map((context) => [context.user.username, context.grantType, context.scopes])).toEqual([
        ['robot', grantType, ['openid', 'profile']],
        ['robot', grantType, ['openid', 'email']],
        [`gatehouse-${hooked.slug}-client_credentials`, grantType, ['email']],
      ]);
    });

    it('applies allowedGroups to the machine user', async () => {
      const body = await expectMachineTokens(await machineRequest(grantType, grouped, { username: 'alice', password: tokens.alice, scope: 'openid' }), 'openid');
      expect((await userinfo(t, body['access_token'])).status).toBe(200);
      const refused = 'the client may not use this application with these scopes';
      await expectTokenError(await machineRequest(grantType, grouped, { username: 'carol', password: tokens.carol, scope: 'openid' }), 400, 'invalid_grant', refused);
      await expectTokenError(await machineRequest(grantType, grouped, { username: 'robot', password: tokens.robot, scope: 'openid' }), 400, 'invalid_grant', refused);
      // The application's service account belongs to no group.
      await expectTokenError(await machineRequest(grantType, grouped, { client_secret: grouped.secret!, scope: 'openid' }), 400, 'invalid_grant', refused);
    });
  });
});
