// prompt=login, max_age and prompt=none (OIDC Core §3.1.2.1, §3.1.2.3; behaviour spec §1.1): a
// signed-in user is sent back to the login page until the session's auth_time is fresh enough,
// and the ID token's auth_time is that of the session the code was issued to.
import { manualClock } from '@gatehouse/core/testing';
import { decodeJwt } from 'jose';
import {
  authorize,
  clients,
  codeRequest,
  exchangeCode,
  get,
  jsonOf,
  locationOf,
  startTestServer,
  testUser,
  type Params,
  type RequestOptions,
  type TestServer,
} from '../fixtures.js';

const clock = manualClock(Math.floor(Date.now() / 1000));
const c = clients.confidential;

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ clock });
});
afterAll(() => t.close());

/** Asserts a redirect to the login page and answers its `next` (the resume URL). */
function expectLogin(res: Response, expected: { readonly prompt: boolean }): string {
  expect(res.status).toBe(302);
  const location = res.headers.get('location')!;
  expect(location.startsWith('/login?')).toBe(true);
  const login = new URL(location, t.baseUrl);
  expect([...login.searchParams.keys()]).toEqual(expected.prompt ? ['next', 'prompt'] : ['next']);
  if (expected.prompt) expect(login.searchParams.get('prompt')).toBe('login');
  const next = login.searchParams.get('next')!;
  expect(next).toMatch(/^\/application\/o\/authorize\/resume\/\?interaction=[A-Za-z0-9_-]{43}$/);
  return next;
}

/** Asserts a redirect to the client with a code and state; answers the code. */
function expectCode(res: Response): string {
  expect(res.status).toBe(302);
  const location = locationOf(res);
  expect(`${location.origin}${location.pathname}`).toBe(c.redirectUri);
  expect(location.searchParams.get('state')).toBe('xyz');
  expect(location.searchParams.get('iss')).toBe(t.issuer('confidential'));
  const code = location.searchParams.get('code');
  expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);
  return code!;
}

function expectErrorRedirect(res: Response, error: string): void {
  expect(res.status).toBe(302);
  const location = locationOf(res);
  expect(`${location.origin}${location.pathname}`).toBe(c.redirectUri);
  expect(location.searchParams.get('error')).toBe(error);
  expect(location.searchParams.get('state')).toBe('xyz');
  expect(location.searchParams.get('iss')).toBe(t.issuer('confidential'));
  expect(location.searchParams.has('code')).toBe(false);
}

/** A session of the test user that authenticated at `authTime`. */
const session = (authTime: number): RequestOptions => ({ user: testUser.id, authTime });
const request = (extra: Params, options: RequestOptions) => authorize(t, codeRequest(c, { scope: 'openid', ...extra }), options);

/** The auth_time of the ID token the code is exchanged for. */
async function authTimeOf(code: string): Promise<unknown> {
  const res = await exchangeCode(t, c, code);
  expect(res.status).toBe(200);
  return decodeJwt((await jsonOf(res))['id_token'])['auth_time'];
}

describe('prompt=login', () => {
  it('sends a signed-in user to the login page with prompt=login and next = the resume URL', async () => {
    expectLogin(await request({ prompt: 'login' }, session(clock.now() - 5)), { prompt: true });
  });

  it('sends a user without a session to the login page without prompt=login', async () => {
    expectLogin(await request({ prompt: 'login' }, {}), { prompt: false });
  });

  it('goes back to the login page when resumed with the same (old) session', async () => {
    const old = session(clock.now() - 5);
    const next = expectLogin(await request({ prompt: 'login' }, old), { prompt: true });
    const again = expectLogin(await get(t, next, old), { prompt: true });
    expect(again).not.toBe(next);
  });

  it('goes back to the login page when resumed with a session that authenticated just before the request', async () => {
    const requestedAt = clock.now();
    const next = expectLogin(await request({ prompt: 'login' }, session(requestedAt - 5)), { prompt: true });
    clock.advance(3);
    expectLogin(await get(t, next, session(requestedAt - 1)), { prompt: true });
  });

  it('issues a code when resumed with a session that authenticated after the request, whose auth_time the ID token carries', async () => {
    const next = expectLogin(await request({ prompt: 'login' }, session(clock.now() - 5)), { prompt: true });
    clock.advance(20);
    const freshAuthTime = clock.now() - 2;
    const code = expectCode(await get(t, next, session(freshAuthTime)));
    expect(await authTimeOf(code)).toBe(freshAuthTime);
  });

  it('uses the resume URL once', async () => {
    const next = expectLogin(await request({ prompt: 'login' }, session(clock.now() - 5)), { prompt: true });
    clock.advance(1);
    expectCode(await get(t, next, session(clock.now())));
    expect((await get(t, next, session(clock.now()))).status).toBe(400);
  });
});

describe('max_age', () => {
  it('sends a session older than max_age to the login page with prompt=login, like prompt=login', async () => {
    expectLogin(await request({ max_age: '29' }, session(clock.now() - 30)), { prompt: true });
  });

  it('issues a code for a session exactly max_age old, with the session’s auth_time', async () => {
    const authTime = clock.now() - 30;
    expect(await authTimeOf(expectCode(await request({ max_age: '30' }, session(authTime))))).toBe(authTime);
  });

  it('issues a code for a session within max_age, with the session’s auth_time', async () => {
    const authTime = clock.now() - 600;
    expect(await authTimeOf(expectCode(await request({ max_age: '3600' }, session(authTime))))).toBe(authTime);
  });

  it('max_age=0 asks any session that did not authenticate this very second to log in again', async () => {
    expectLogin(await request({ max_age: '0' }, session(clock.now() - 1)), { prompt: true });
  });

  it('goes back to the login page when resumed with the same session, and issues a code once it is fresh', async () => {
    const old = session(clock.now() - 120);
    const next = expectLogin(await request({ max_age: '60' }, old), { prompt: true });
    const again = expectLogin(await get(t, next, old), { prompt: true });
    clock.advance(10);
    const freshAuthTime = clock.now();
    expect(await authTimeOf(expectCode(await get(t, again, session(freshAuthTime))))).toBe(freshAuthTime);
  });

  it.each(['-1', 'abc', '1.5', ''.padEnd(11, '9')])('redirects invalid_request for max_age=%s', async (maxAge) => {
    expectErrorRedirect(await request({ max_age: maxAge }, session(clock.now())), 'invalid_request');
  });
});

describe('prompt=none', () => {
  it('redirects login_required when max_age is exceeded', async () => {
    expectErrorRedirect(await request({ prompt: 'none', max_age: '10' }, session(clock.now() - 11)), 'login_required');
  });

  it('issues a code when the session is within max_age', async () => {
    expectCode(await request({ prompt: 'none', max_age: '10' }, session(clock.now() - 10)));
  });

  it('redirects login_required without a session', async () => {
    expectErrorRedirect(await request({ prompt: 'none' }, {}), 'login_required');
  });

  it('redirects invalid_request for prompt=none login', async () => {
    expectErrorRedirect(await request({ prompt: 'none login' }, session(clock.now())), 'invalid_request');
  });
});
