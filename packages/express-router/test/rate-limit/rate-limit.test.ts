// Brute force and flooding (issue 8, DESIGN.md §7): the token endpoint counts requests per client,
// introspection per caller, and every client-authenticating endpoint counts failed client
// authentication per address and then blocks the address. Over a limit: 429 with Retry-After and
// `temporarily_unavailable` (`slow_down` for a polling device), the usual error body with
// request_id. The counts live in the router's memory here (rate-limiter-flexible); each test uses
// clients and addresses of its own. `X-Forwarded-For` names the address (trust proxy).
import { defaultRateLimits } from '../../src/index.js';
import {
  basicAuthorization,
  customClient,
  jsonOf,
  obtainTokens,
  postForm,
  startTestServer,
  tokenPath,
  type Params,
  type TestClient,
  type TestServer,
} from '../fixtures.js';
import { expectInvalidClient, expectTokenError } from '../token-helpers.js';

const introspectPath = '/application/o/introspect/';
const revokePath = '/application/o/revoke/';
const devicePath = '/application/o/device/';
const deviceGrant = 'urn:ietf:params:oauth:grant-type:device_code';

const apps = ['limited', 'neighbour', 'poller', 'guessed', 'bystander', 'reader', 'basic-or-post', 'github-door'].map((slug) => customClient(slug));
const client = (slug: string): TestClient => apps.find((app) => app.client.slug === slug)!.client;

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({
    applications: apps.map((app) => app.application),
    trustProxy: true,
    rateLimits: {
      token: { points: 5, durationSeconds: 60 },
      introspection: { points: 2, durationSeconds: 60 },
      failedClientAuthentication: { points: 3, durationSeconds: 60, blockSeconds: 120 },
    },
  });
});
afterAll(() => t.close());

const from = (address: string, headers: Record<string, string> = {}) => ({ headers: { 'x-forwarded-for': address, ...headers } });
const basic = (c: TestClient, secret = c.secret!) => ({ authorization: basicAuthorization(c.clientId, secret) });
/** A token request that costs the server little: an unknown code (400 invalid_grant). */
const badCode = (c: TestClient, address: string) => postForm(t, tokenPath, { grant_type: 'authorization_code', code: 'unknown', redirect_uri: c.redirectUri }, from(address, basic(c)));

async function statuses(requests: (() => Promise<Response>)[]): Promise<number[]> {
  const result: number[] = [];
  for (const request of requests) {
    const res = await request();
    await res.arrayBuffer();
    result.push(res.status);
  }
  return result;
}

/** RFC 6585 §4 with the OAuth error body: 429, Retry-After within the window, no-store, request_id. */
async function expectTooManyRequests(res: Response, error: string, description: string, window: number): Promise<void> {
  const retryAfter = Number(res.headers.get('retry-after'));
  await expectTokenError(res, 429, error, description);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(window);
}

describe('token endpoint, per client', () => {
  it('answers 429 temporarily_unavailable with Retry-After after the limit, from any address, and leaves other clients alone', async () => {
    const limited = client('limited');
    expect(await statuses([1, 2, 3, 4, 5].map((i) => () => badCode(limited, `10.1.0.${i}`)))).toEqual([400, 400, 400, 400, 400]);
    await expectTooManyRequests(await badCode(limited, '10.1.0.6'), 'temporarily_unavailable', 'too many requests; try again later', 60);
    // The client counts, not the address: a fresh address is refused too, and it does not reach the grant.
    const again = await postForm(t, tokenPath, { grant_type: 'client_credentials' }, from('10.1.0.7', basic(limited)));
    expect(again.status).toBe(429);
    expect(await statuses([() => badCode(client('neighbour'), '10.1.0.6')])).toEqual([400]);
  });

  it('counts a client the same whether it names itself by Basic or in the body', async () => {
    const c = client('basic-or-post');
    const byPost = () => postForm(t, tokenPath, { grant_type: 'authorization_code', code: 'unknown', redirect_uri: c.redirectUri, client_id: c.clientId, client_secret: c.secret! }, from('10.2.0.1'));
    const byBasic = () => badCode(c, '10.2.0.1');
    expect(await statuses([byBasic, byPost, byBasic, byPost, byBasic, byPost])).toEqual([400, 400, 400, 400, 400, 429]);
  });

  it('holds at the GitHub-compatible token endpoint too: one budget per client, 429 kept, no CORS', async () => {
    const c = client('github-door');
    const github = () =>
      postForm(t, '/login/oauth/access_token', { code: 'unknown', redirect_uri: c.redirectUri }, from('10.8.0.1', { ...basic(c), accept: 'application/json', origin: 'https://github-door.example.com' }));
    // GitHub answers client errors with 200; three at each door use up the budget of five.
    expect(await statuses([() => badCode(c, '10.8.0.1'), github, () => badCode(c, '10.8.0.1'), github, () => badCode(c, '10.8.0.1')])).toEqual([400, 200, 400, 200, 400]);
    const refused = await github();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    expect(await jsonOf(refused)).toEqual({ error: 'temporarily_unavailable', error_description: 'too many requests; try again later', error_uri: expect.any(String) });
  });

  it('answers a polling device with slow_down (RFC 8628 §3.5), which keeps it polling', async () => {
    const poller = client('poller');
    const poll = () => postForm(t, tokenPath, { grant_type: deviceGrant, device_code: 'unknown' }, from('10.3.0.1', basic(poller)));
    expect(await statuses([poll, poll, poll, poll, poll])).toEqual([400, 400, 400, 400, 400]);
    await expectTooManyRequests(await poll(), 'slow_down', 'too many requests; poll less often', 60);
  });
});

describe('failed client authentication, per address', () => {
  it('blocks an address after too many wrong secrets, at every client endpoint, even with the right secret', async () => {
    const guessed = client('guessed');
    const wrong = () => postForm(t, tokenPath, { grant_type: 'client_credentials' }, from('10.4.0.1', basic(guessed, 'guess')));
    for (let i = 0; i < 3; i++) await expectInvalidClient(await wrong());
    // The fourth failure is still answered; it exceeds the limit and blocks the address for 120 s.
    await expectInvalidClient(await wrong());
    const right = await postForm(t, tokenPath, { grant_type: 'authorization_code', code: 'unknown', redirect_uri: guessed.redirectUri }, from('10.4.0.1', basic(guessed)));
    await expectTooManyRequests(right, 'temporarily_unavailable', 'too many requests; try again later', 120);
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(60);
    for (const path of [revokePath, introspectPath, devicePath]) {
      const res = await postForm(t, path, { token: 'x', client_id: guessed.clientId }, from('10.4.0.1', basic(guessed)));
      expect({ path, status: res.status }).toEqual({ path, status: 429 });
    }
    // Another address is not blocked. (The four failures counted against the client's budget too;
    // the blocked requests did not.)
    expect(await statuses([() => badCode(guessed, '10.4.0.2')])).toEqual([400]);
    expect(await statuses([() => badCode(guessed, '10.4.0.2')])).toEqual([429]);
  });

  it('counts failures at revocation and introspection, and for unknown clients', async () => {
    const bystander = client('bystander');
    const failures = [
      () => postForm(t, revokePath, { token: 'x' }, from('10.5.0.1', basic(bystander, 'guess'))),
      () => postForm(t, introspectPath, { token: 'x' }, from('10.5.0.1', basic(bystander, 'guess'))),
      () => postForm(t, tokenPath, { grant_type: 'client_credentials', client_id: 'no-such-client', client_secret: 'x' }, from('10.5.0.1')),
      () => postForm(t, tokenPath, { grant_type: 'client_credentials', client_id: 'made-up-client', client_secret: 'x' }, from('10.5.0.1')),
    ];
    expect(await statuses(failures)).toEqual([401, 401, 401, 401]);
    expect(await statuses([() => badCode(bystander, '10.5.0.1')])).toEqual([429]);
  });

  it('does not count other errors', async () => {
    const neighbour = client('neighbour');
    const withoutToken = () => postForm(t, revokePath, {}, from('10.6.0.1', basic(neighbour)));
    expect(await statuses([withoutToken, withoutToken, withoutToken, withoutToken, withoutToken])).toEqual([400, 400, 400, 400, 400]);
  });
});

describe('introspection, per caller', () => {
  it('answers 429 after the limit of a client, and counts a bearer caller by its token', async () => {
    const reader = client('reader');
    const introspect = (address: string) => () => postForm(t, introspectPath, { token: 'x' }, from(address, basic(reader)));
    expect(await statuses([introspect('10.7.0.1'), introspect('10.7.0.2')])).toEqual([200, 200]);
    await expectTooManyRequests(await introspect('10.7.0.3')(), 'temporarily_unavailable', 'too many requests; try again later', 60);

    const { access_token: accessToken } = await obtainTokens(t, client('neighbour'));
    const bearer = () => postForm(t, introspectPath, { token: 'x' }, from('10.7.0.4', { authorization: `Bearer ${accessToken}` }));
    // The token lacks the introspection scope: 401, counted against the token and the address.
    expect(await statuses([bearer, bearer, bearer])).toEqual([401, 401, 429]);
  });
});

describe('defaults', () => {
  it('are 300 token requests per client per 10 s, 1,000 introspections per caller per 10 s, 30 failures per address per minute then 5 minutes blocked', () => {
    expect(defaultRateLimits).toEqual({
      token: { points: 300, durationSeconds: 10 },
      introspection: { points: 1_000, durationSeconds: 10 },
      failedClientAuthentication: { points: 30, durationSeconds: 60, blockSeconds: 300 },
    });
  });

  it('let 300 token requests of one client through and refuse the 301st', async () => {
    const server = await startTestServer({ rateLimits: {} });
    try {
      const { client: c, application } = customClient('defaults');
      await server.stores.applications.save(application);
      const body: Params = { grant_type: 'authorization_code', code: 'unknown', redirect_uri: c.redirectUri };
      const send = () => postForm(server, tokenPath, body, basicHeaders(c));
      const answers = await Promise.all(Array.from({ length: 300 }, async () => (await send()).status));
      expect(new Set(answers)).toEqual(new Set([400]));
      const refused = await send();
      expect(refused.status).toBe(429);
      expect((await jsonOf(refused))['error']).toBe('temporarily_unavailable');
    } finally {
      await server.close();
    }
  });
});

const basicHeaders = (c: TestClient) => ({ headers: basic(c) });
