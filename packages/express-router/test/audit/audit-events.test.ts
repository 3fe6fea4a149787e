// Audit events (issue 8): consents, token issuance, policy denials, logins, refresh token reuse,
// code replay, revocations and configuration errors are recorded through the stores with the
// request id of the response (`X-Request-Id`, the `request_id` of error bodies), and seen by
// hooks.onEvent. `token_issued` is written after the response, in batches: the request never
// waits for it, and a failed write never fails the request.
import { digestToken, type AuditEvent, type ScopeMapping } from '@gatehouse/core';
import { manualClock, type ManualClock } from '@gatehouse/core/testing';
import { decodeJwt } from 'jose';
import {
  answerConsent,
  authorize,
  basicAuthorization,
  codeRequest,
  consentFormOf,
  customClient,
  exchangeCode,
  jsonOf,
  locationOf,
  obtainCode,
  obtainTokens,
  postForm,
  startTestServer,
  testUser,
  tokenPath,
  tokenRequest,
  type TestServer,
} from '../fixtures.js';

const audited = customClient('audited');
const consenting = customClient('consenting', { consent: 'explicit' });
const grouped = customClient('grouped', { allowedGroups: ['auditors'] });
const hooked = customClient('hooked');
const machine = customClient('machine');
const broken = customClient('broken', { scopes: ['openid', 'profile', 'email', 'broken'] });
const appPassword = 'audit-app-password-0123456789';

const brokenMapping: ScopeMapping = {
  scope: 'broken',
  description: 'A mapping that fails',
  claims: () => {
    throw new Error('the directory is unreachable');
  },
};

let t: TestServer;
let clock: ManualClock;
let denyAtToken = false;
const hookEvents: AuditEvent[] = [];

beforeAll(async () => {
  clock = manualClock(Math.floor(Date.now() / 1000));
  t = await startTestServer({
    clock,
    applications: [audited, consenting, grouped, hooked, machine, broken].map((c) => c.application),
    scopeMappings: [brokenMapping],
    settings: { refreshTokenGraceSeconds: 0 },
    hooks: {
      authorizeScopes: ({ application, grantType }) => !(denyAtToken && application.id === hooked.application.id && grantType === 'authorization_code'),
      onEvent: (event) => void hookEvents.push(event),
    },
  });
  await t.stores.appPasswords.save({ id: 'alice-audit', userId: testUser.id, name: 'audit', tokenDigest: digestToken(appPassword), expiresAt: null });
});
afterAll(() => t.close());
beforeEach(() => {
  denyAtToken = false;
});

/** The events of one response, once the queued ones were written. */
async function eventsOf(res: Response): Promise<AuditEvent[]> {
  await t.server.flushEvents();
  const requestId = res.headers.get('x-request-id');
  return t.stores.recordedEvents.filter((event) => event.requestId === requestId);
}

const refreshWith = (refreshToken: string) =>
  postForm(t, tokenPath, { grant_type: 'refresh_token', refresh_token: refreshToken }, { headers: { authorization: basicAuthorization(audited.client.clientId, audited.client.secret!) } });

describe('token_issued', () => {
  it('is recorded once per token response, with the grant type, scopes, user and request id, and seen by onEvent', async () => {
    const code = await obtainCode(t, audited.client, { scope: 'openid email offline_access' });
    const res = await exchangeCode(t, audited.client, code);
    expect(res.status).toBe(200);
    const expected: AuditEvent = {
      action: 'token_issued',
      at: clock.now(),
      applicationId: audited.application.id,
      userId: testUser.id,
      requestId: res.headers.get('x-request-id')!,
      context: { grantType: 'authorization_code', scopes: ['openid', 'email', 'offline_access'], refreshToken: true },
    };
    expect(await eventsOf(res)).toEqual([expected]);
    expect(hookEvents).toContainEqual(expected);
  });

  it('names the refresh_token grant and the narrowed scope of a refresh', async () => {
    const tokens = (await obtainTokens(t, audited.client, { scope: 'openid email offline_access' })) as unknown as { refresh_token: string };
    const res = await postForm(t, tokenPath, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token, scope: 'openid offline_access' }, {
      headers: { authorization: basicAuthorization(audited.client.clientId, audited.client.secret!) },
    });
    expect(res.status).toBe(200);
    expect((await eventsOf(res)).map((event) => [event.action, event.context])).toEqual([
      ['token_issued', { grantType: 'refresh_token', scopes: ['openid', 'offline_access'], refreshToken: true }],
    ]);
  });

  it('is not recorded for a refused token request', async () => {
    const res = await exchangeCode(t, audited.client, 'no-such-code');
    expect(res.status).toBe(400);
    expect((await eventsOf(res)).filter((event) => event.action === 'token_issued')).toEqual([]);
  });

  it('does not hold the response up while the event store hangs', async () => {
    const server = await startTestServer({ applications: [audited.application] });
    try {
      const record = server.stores.events.record.bind(server.stores.events);
      jest.spyOn(server.stores.events, 'record').mockImplementation((event) => (event.action === 'token_issued' ? new Promise<void>(() => undefined) : record(event)));
      const code = await obtainCode(server, audited.client);
      const res = await exchangeCode(server, audited.client, code);
      expect(res.status).toBe(200);
      expect((await jsonOf(res))['access_token']).toEqual(expect.any(String));
    } finally {
      await server.close();
    }
  });

  it('never fails the response when it cannot be written: the loss is counted and reported through onEvent', async () => {
    const seen: AuditEvent[] = [];
    const server = await startTestServer({ applications: [audited.application], hooks: { onEvent: (event) => void seen.push(event) } });
    try {
      const record = server.stores.events.record.bind(server.stores.events);
      jest.spyOn(server.stores.events, 'record').mockImplementation((event) => (event.action === 'token_issued' ? Promise.reject(new Error('connection refused')) : record(event)));
      const code = await obtainCode(server, audited.client);
      const res = await exchangeCode(server, audited.client, code);
      expect(res.status).toBe(200);
      await server.server.flushEvents();
      expect(seen.filter((event) => event.action.startsWith('audit_') || event.action === 'token_issued')).toEqual([
        { action: 'audit_events_dropped', at: expect.any(Number), context: { count: 1, reason: 'write_failed', error: 'connection refused' } },
      ]);
    } finally {
      await server.close();
    }
  });
});

describe('consent', () => {
  it.each([
    ['allow', 'consent_given', 303],
    ['deny', 'consent_denied', 303],
  ] as const)('%s is recorded as %s with the scopes, the user and the request id of the answer', async (decision, action, status) => {
    const form = await consentFormOf(await authorize(t, codeRequest(consenting.client, { scope: 'openid email' }), { user: testUser.id }));
    const res = await answerConsent(t, form, decision);
    expect(res.status).toBe(status);
    const events = await eventsOf(res);
    expect(events.filter((event) => event.action.startsWith('consent_'))).toEqual([
      {
        action,
        at: clock.now(),
        applicationId: consenting.application.id,
        userId: testUser.id,
        requestId: res.headers.get('x-request-id'),
        context: { scopes: ['openid', 'email'], grantType: 'authorization_code' },
      },
    ]);
    if (decision === 'deny') expect(locationOf(res).searchParams.get('error')).toBe('access_denied');
  });
});

describe('policy_denied', () => {
  it('at the authorization endpoint: the application access policy (allowedGroups)', async () => {
    const res = await authorize(t, codeRequest(grouped.client), { user: testUser.id });
    expect(locationOf(res).searchParams.get('error')).toBe('access_denied');
    expect(await eventsOf(res)).toEqual([
      {
        action: 'policy_denied',
        at: clock.now(),
        applicationId: grouped.application.id,
        userId: testUser.id,
        requestId: res.headers.get('x-request-id'),
        context: { policy: 'allowed_groups', grantType: 'authorization_code', scopes: ['openid', 'profile', 'email'] },
      },
    ]);
  });

  it('at the token endpoint: the scope policy hook', async () => {
    const code = await obtainCode(t, hooked.client);
    denyAtToken = true;
    const res = await exchangeCode(t, hooked.client, code);
    const body = await jsonOf(res);
    expect({ status: res.status, error: body['error'] }).toEqual({ status: 400, error: 'invalid_grant' });
    expect(await eventsOf(res)).toEqual([
      {
        action: 'policy_denied',
        at: clock.now(),
        applicationId: hooked.application.id,
        userId: testUser.id,
        requestId: body['request_id'],
        context: { policy: 'hook', grantType: 'authorization_code', scopes: ['openid', 'profile', 'email'] },
      },
    ]);
  });
});

describe('events that were there before', () => {
  it('login: a machine signing in with an app password', async () => {
    const res = await postForm(t, tokenPath, { grant_type: 'password', client_id: machine.client.clientId, username: testUser.username, password: appPassword, scope: 'openid' });
    expect(res.status).toBe(200);
    expect((await eventsOf(res)).map((event) => [event.action, event.userId, event.applicationId])).toEqual([
      ['login', testUser.id, machine.application.id],
      ['token_issued', testUser.id, machine.application.id],
    ]);
  });

  it('refresh token reuse: suspicious_request, the grant revoked', async () => {
    const tokens = (await obtainTokens(t, audited.client, { scope: 'openid offline_access' })) as unknown as { refresh_token: string };
    expect((await refreshWith(tokens.refresh_token)).status).toBe(200);
    const reuse = await refreshWith(tokens.refresh_token);
    expect(reuse.status).toBe(400);
    expect((await eventsOf(reuse)).map((event) => [event.action, (event.context as { reason?: string }).reason])).toEqual([['suspicious_request', 'refresh_token_reused']]);
  });

  it('authorization code replay: suspicious_request, the grant revoked', async () => {
    const code = await obtainCode(t, audited.client);
    expect((await exchangeCode(t, audited.client, code)).status).toBe(200);
    const replay = await exchangeCode(t, audited.client, code);
    expect(replay.status).toBe(400);
    expect((await eventsOf(replay)).map((event) => [event.action, (event.context as { reason?: string }).reason])).toEqual([['suspicious_request', 'authorization_code_replayed']]);
  });

  it.each([
    ['a refresh token (its grant)', 'refresh_token', 'refresh_token_revoked'],
    ['an access token (that token)', 'access_token', 'access_token_revoked'],
  ] as const)('revocation of %s: token_revoked', async (_name, kind, reason) => {
    const tokens = (await obtainTokens(t, audited.client, { scope: 'openid offline_access' })) as unknown as Record<string, string>;
    const res = await postForm(t, '/application/o/revoke/', { token: tokens[kind]! }, { headers: { authorization: basicAuthorization(audited.client.clientId, audited.client.secret!) } });
    expect(res.status).toBe(200);
    const [event] = await eventsOf(res);
    expect(event).toEqual({
      action: 'token_revoked',
      at: clock.now(),
      applicationId: audited.application.id,
      ...(kind === 'access_token' ? { userId: testUser.id } : {}),
      requestId: res.headers.get('x-request-id'),
      context: kind === 'access_token' ? { reason, jti: decodeJwt(tokens[kind]!).jti } : { reason, grantId: expect.any(String) },
    });
  });

  it('configuration error: a scope mapping that throws, while the tokens are still issued', async () => {
    const code = await obtainCode(t, broken.client, { scope: 'openid broken' });
    const res = await tokenRequest(t, broken.client, { grant_type: 'authorization_code', code, redirect_uri: broken.client.redirectUri });
    expect(res.status).toBe(200);
    expect((await eventsOf(res)).map((event) => [event.action, event.context])).toEqual([
      ['configuration_error', { message: "Failed to evaluate scope mapping: 'broken'", error: 'the directory is unreachable' }],
      ['token_issued', { grantType: 'authorization_code', scopes: ['openid', 'broken'], refreshToken: false }],
    ]);
  });
});
