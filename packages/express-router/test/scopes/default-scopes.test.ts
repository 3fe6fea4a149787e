// Default and special scopes (behaviour spec §4.2, §4.3): no `scope` means every scope of the
// application except the special `gatehouse:api`; unknown scopes are dropped with a
// `scopes_dropped` event naming them; `gatehouse:api` only when asked for by name.
import type { AuditEvent } from '@gatehouse/core';
import { decodeJwt } from 'jose';
import {
  authorize,
  codeRequest,
  customClient,
  exchangeCode,
  jsonOf,
  locationOf,
  startTestServer,
  testUser,
  userinfo,
  type Params,
  type TestClient,
  type TestServer,
} from '../fixtures.js';

const { client: api, application: apiApplication } = customClient('with-api', {
  scopes: ['openid', 'profile', 'email', 'offline_access', 'gatehouse:api'],
});
const { client: plain, application: plainApplication } = customClient('without-api', { scopes: ['openid', 'email'] });

const hookEvents: AuditEvent[] = [];
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ applications: [apiApplication, plainApplication], hooks: { onEvent: (event) => void hookEvents.push(event) } });
});
afterAll(() => t.close());

/** The authorization request of `c` without any `scope` parameter, with `extra` on top. */
function requestWithoutScope(c: TestClient, extra: Params = {}): Params {
  const { scope: _scope, ...params } = codeRequest(c);
  return { ...params, ...extra };
}

/** Authorizes (as the test user) and exchanges the code; answers the token response and the authorize response's request id. */
async function grant(c: TestClient, params: Params) {
  const res = await authorize(t, params, { user: testUser.id });
  expect(res.status).toBe(302);
  const code = locationOf(res).searchParams.get('code');
  expect(code).not.toBeNull();
  const tokenRes = await exchangeCode(t, c, code!);
  expect(tokenRes.status).toBe(200);
  return { tokens: await jsonOf(tokenRes), authorizeRequestId: res.headers.get('x-request-id') };
}

const droppedEvents = (from: number) => t.stores.recordedEvents.slice(from).filter((event) => event.action === 'scopes_dropped');

describe('no scope parameter', () => {
  it('grants every scope of the application except gatehouse:api', async () => {
    const { tokens } = await grant(api, requestWithoutScope(api));
    expect(tokens['scope']).toBe('openid profile email offline_access');
    expect(decodeJwt(tokens['access_token'])['scope']).toBe('openid profile email offline_access');
    expect(decodeJwt(tokens['id_token'])).toMatchObject({ name: 'Alice Example', email: 'alice@example.com' });
  });

  it('treats an empty scope parameter as none', async () => {
    const { tokens } = await grant(api, requestWithoutScope(api, { scope: '' }));
    expect(tokens['scope']).toBe('openid profile email offline_access');
  });

  it('grants exactly the scopes of an application that has fewer', async () => {
    const { tokens } = await grant(plain, requestWithoutScope(plain));
    expect(tokens['scope']).toBe('openid email');
    const body = await jsonOf(await userinfo(t, tokens['access_token']));
    expect(body).toEqual({ sub: decodeJwt(tokens['id_token']).sub, email: 'alice@example.com', email_verified: true });
  });

  it('records no scopes_dropped event', async () => {
    const before = t.stores.recordedEvents.length;
    await grant(api, requestWithoutScope(api));
    expect(droppedEvents(before)).toEqual([]);
  });
});

describe('unknown scopes', () => {
  it('are dropped, the rest is granted, and a scopes_dropped event names them (also seen by onEvent)', async () => {
    const before = t.stores.recordedEvents.length;
    const hooked = hookEvents.length;
    const { tokens, authorizeRequestId } = await grant(api, codeRequest(api, { scope: 'openid nonsense profile write:all' }));
    expect(tokens['scope']).toBe('openid profile');
    expect(decodeJwt(tokens['access_token'])['scope']).toBe('openid profile');
    const expected = [
      { action: 'scopes_dropped', at: expect.any(Number), applicationId: apiApplication.id, requestId: authorizeRequestId, context: { dropped: ['nonsense', 'write:all'] } },
    ];
    expect(droppedEvents(before)).toEqual(expected);
    expect(hookEvents.slice(hooked).filter((event) => event.action === 'scopes_dropped')).toEqual(expected);
  });

  it('include scopes that have a mapping on the server but are not configured on the application', async () => {
    const before = t.stores.recordedEvents.length;
    const { tokens } = await grant(plain, codeRequest(plain, { scope: 'openid profile email entitlements' }));
    expect(tokens['scope']).toBe('openid email');
    expect(decodeJwt(tokens['id_token'])).not.toHaveProperty('name');
    expect(droppedEvents(before).map((event) => event.context)).toEqual([{ dropped: ['profile', 'entitlements'] }]);
  });
});

describe('gatehouse:api', () => {
  it('is granted when asked for by name', async () => {
    const { tokens } = await grant(api, codeRequest(api, { scope: 'openid gatehouse:api' }));
    expect(tokens['scope']).toBe('openid gatehouse:api');
    expect(decodeJwt(tokens['access_token'])['scope']).toBe('openid gatehouse:api');
  });

  it('is dropped, like any unknown scope, for an application that does not have it', async () => {
    const before = t.stores.recordedEvents.length;
    const { tokens } = await grant(plain, codeRequest(plain, { scope: 'openid gatehouse:api' }));
    expect(tokens['scope']).toBe('openid');
    expect(droppedEvents(before).map((event) => event.context)).toEqual([{ dropped: ['gatehouse:api'] }]);
  });
});
