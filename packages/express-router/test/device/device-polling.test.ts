// Polling the token endpoint with a device code (RFC 8628 §3.4–§3.5, behaviour spec §3.5 and
// edge cases 55-56): every error a device can see, the pace, the exact scope of the device
// request, refresh tokens with offline_access, single use. authentik's bugs are fixed here: no
// slow_down, no access_denied, invalid_grant for expired codes, no client secret required (#21700).
import { decodeJwt } from 'jose';
import { OAuthError } from '@gatehouse/core';
import { manualClock, type ManualClock } from '@gatehouse/core/testing';
import { jsonOf, startTestServer, testUser, tokenRequest, userinfo, verifyJwt, type Json, type TestServer } from '../fixtures.js';
import {
  answerDevice,
  deviceApplications,
  expectTokenError,
  poll,
  publicClient,
  radio,
  startDevice,
  tv,
} from './device.fixtures.js';

let t: TestServer;
let clock: ManualClock;
beforeAll(async () => {
  clock = manualClock(Math.floor(Date.now() / 1000));
  t = await startTestServer({ clock, applications: deviceApplications });
});
afterAll(() => t.close());

/** Polls until tokens come (the user approved before); fails on anything else. */
async function tokensOf(res: Response): Promise<Json> {
  const body = await jsonOf(res);
  if (res.status !== 200) throw new Error(`expected tokens, got ${res.status}: ${JSON.stringify(body)}`);
  expect(res.headers.get('cache-control')).toBe('no-store');
  return body;
}

describe('while the user has not answered', () => {
  it('answers authorization_pending', async () => {
    const device = await startDevice(t, tv.client);
    const body = await expectTokenError(await poll(t, tv.client, device.device_code), 400, 'authorization_pending');
    expect(body['error_description']).toBe('the user has not answered yet');
  });

  it('answers slow_down to a poll within the interval, and the interval grows by 5 s each time for good', async () => {
    const device = await startDevice(t, tv.client);
    await expectTokenError(await poll(t, tv.client, device.device_code), 400, 'authorization_pending');

    // Right away: too early for the 5 s interval; it becomes 10 s, counted from this poll.
    let res = await poll(t, tv.client, device.device_code);
    expect(res.headers.get('retry-after')).toBe('10');
    await expectTokenError(res, 400, 'slow_down');

    // 9 s later is still too early for 10 s: the interval becomes 15 s.
    clock.advance(9);
    res = await poll(t, tv.client, device.device_code);
    expect(res.headers.get('retry-after')).toBe('15');
    expect((await expectTokenError(res, 400, 'slow_down'))['error_description']).toBe('polling too fast: wait at least 15 seconds between requests');

    // 15 s later is on time again; the grown interval stays: 14 s after that is too early...
    clock.advance(15);
    await expectTokenError(await poll(t, tv.client, device.device_code), 400, 'authorization_pending');
    clock.advance(14);
    await expectTokenError(await poll(t, tv.client, device.device_code), 400, 'slow_down');
    // ...and now 20 s are needed.
    clock.advance(19);
    await expectTokenError(await poll(t, tv.client, device.device_code), 400, 'slow_down');
    clock.advance(25);
    await expectTokenError(await poll(t, tv.client, device.device_code), 400, 'authorization_pending');
  });

  it('paces each device code on its own', async () => {
    const first = await startDevice(t, tv.client);
    const second = await startDevice(t, tv.client);
    await expectTokenError(await poll(t, tv.client, first.device_code), 400, 'authorization_pending');
    await expectTokenError(await poll(t, tv.client, first.device_code), 400, 'slow_down');
    await expectTokenError(await poll(t, tv.client, second.device_code), 400, 'authorization_pending');
  });

  it('lets only one of many concurrent polls through', async () => {
    const device = await startDevice(t, tv.client);
    const answers = await Promise.all(Array.from({ length: 10 }, async () => (await jsonOf(await poll(t, tv.client, device.device_code)))['error']));
    expect(answers.filter((error) => error === 'authorization_pending')).toHaveLength(1);
    expect(answers.filter((error) => error === 'slow_down')).toHaveLength(9);
  });
});

describe('answers', () => {
  it('answers access_denied (400) once the user denied, at every poll', async () => {
    const device = await startDevice(t, tv.client);
    await answerDevice(t, device.user_code, 'deny');
    await expectTokenError(await poll(t, tv.client, device.device_code), 400, 'access_denied');
    clock.advance(5);
    await expectTokenError(await poll(t, tv.client, device.device_code), 400, 'access_denied');
  });

  it('answers expired_token after the lifetime, also long after (not invalid_grant, authentik\'s deviation)', async () => {
    const device = await startDevice(t, tv.client);
    clock.advance(599);
    await expectTokenError(await poll(t, tv.client, device.device_code), 400, 'authorization_pending');
    clock.advance(1);
    await expectTokenError(await poll(t, tv.client, device.device_code), 400, 'expired_token');
    clock.advance(3000);
    await expectTokenError(await poll(t, tv.client, device.device_code), 400, 'expired_token');
  });

  it('answers expired_token for a code approved too late to be redeemed', async () => {
    const device = await startDevice(t, tv.client);
    await answerDevice(t, device.user_code, 'allow');
    clock.advance(600);
    await expectTokenError(await poll(t, tv.client, device.device_code), 400, 'expired_token');
  });

  it.each([
    ['an unknown device code', { device_code: 'x'.repeat(43) }],
    ['a device code with punctuation', { device_code: 'a&b+c=d%e#f' }],
  ])('answers invalid_grant to %s', async (_name, params) => {
    await expectTokenError(await tokenRequest(t, tv.client, { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', ...params }), 400, 'invalid_grant');
  });

  it('answers invalid_request when device_code is missing', async () => {
    await expectTokenError(await tokenRequest(t, tv.client, { grant_type: 'urn:ietf:params:oauth:grant-type:device_code' }), 400, 'invalid_request');
  });

  it('answers invalid_grant to another client presenting the code, which stays usable for its own client', async () => {
    const device = await startDevice(t, tv.client);
    await answerDevice(t, device.user_code, 'allow');
    await expectTokenError(await poll(t, radio.client, device.device_code), 400, 'invalid_grant');
    await tokensOf(await poll(t, tv.client, device.device_code));
  });

  it('requires the client secret of a confidential client (authentik #21700)', async () => {
    const device = await startDevice(t, tv.client);
    await answerDevice(t, device.user_code, 'allow');
    const res = await poll(t, tv.client, device.device_code, {}, 'none');
    expect(res.status).toBe(401);
    expect((await jsonOf(res))['error']).toBe('invalid_client');
    await tokensOf(await poll(t, tv.client, device.device_code));
  });

  it('is single use: the next poll gets invalid_grant and the tokens of the first use are revoked', async () => {
    const device = await startDevice(t, tv.client, 'openid profile');
    await answerDevice(t, device.user_code, 'allow');
    const tokens = await tokensOf(await poll(t, tv.client, device.device_code));
    expect((await userinfo(t, tokens['access_token'])).status).toBe(200);
    clock.advance(5);
    await expectTokenError(await poll(t, tv.client, device.device_code), 400, 'invalid_grant');
    expect((await userinfo(t, tokens['access_token'])).status).toBe(401);
  });

  it('keeps an approved code when the backend fails while issuing: the poll gets 503, the next one the tokens', async () => {
    const device = await startDevice(t, tv.client, 'openid profile');
    await answerDevice(t, device.user_code, 'allow');
    // The write that records the device's grant with its tokens fails.
    const grants = t.stores.grants as { createWithTokens: typeof t.stores.grants.createWithTokens };
    const createWithTokens = grants.createWithTokens;
    grants.createWithTokens = async () => {
      throw new OAuthError('temporarily_unavailable', 'the database is unavailable; try again shortly', { retryAfterSeconds: 5 });
    };
    try {
      await expectTokenError(await poll(t, tv.client, device.device_code), 503, 'temporarily_unavailable');
    } finally {
      grants.createWithTokens = createWithTokens;
    }
    clock.advance(5);
    const tokens = await tokensOf(await poll(t, tv.client, device.device_code));
    expect((await userinfo(t, tokens['access_token'])).status).toBe(200);
  });

  it('gives tokens to exactly one of many concurrent polls after approval', async () => {
    const device = await startDevice(t, tv.client, 'openid');
    await answerDevice(t, device.user_code, 'allow');
    const statuses = await Promise.all(Array.from({ length: 8 }, async () => (await poll(t, tv.client, device.device_code)).status));
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
  });
});

describe('the tokens', () => {
  it('carry exactly the scope of the device request, whatever the poll asks for (CVE-2024-52287)', async () => {
    const device = await startDevice(t, tv.client, 'openid profile unknown');
    await answerDevice(t, device.user_code, 'allow');
    const tokens = await tokensOf(await poll(t, tv.client, device.device_code, { scope: 'openid profile email gatehouse:api' }));
    expect(tokens['scope']).toBe('openid profile');
    const access = await verifyJwt(t, tv.client.slug, tokens['access_token'], { audience: tv.client.clientId, typ: 'at+jwt' });
    expect(access.payload['scope']).toBe('openid profile');
    expect(access.payload['email']).toBeUndefined();
    expect(tokens['refresh_token']).toBeUndefined();
    const claims = await jsonOf(await userinfo(t, tokens['access_token']));
    expect(claims).toMatchObject({ preferred_username: testUser.username });
    expect(claims['email']).toBeUndefined();
  });

  it('default to the application\'s ordinary scopes (special scopes only by name)', async () => {
    const device = await startDevice(t, tv.client);
    await answerDevice(t, device.user_code, 'allow');
    expect((await tokensOf(await poll(t, tv.client, device.device_code)))['scope']).toBe('openid profile email offline_access');
  });

  it('include a refresh token when offline_access was granted (authentik #11399), which refreshes', async () => {
    const device = await startDevice(t, tv.client, 'openid offline_access');
    await answerDevice(t, device.user_code, 'allow');
    const tokens = await tokensOf(await poll(t, tv.client, device.device_code));
    expect(tokens['refresh_token']).toEqual(expect.any(String));
    const refreshed = await tokensOf(await tokenRequest(t, tv.client, { grant_type: 'refresh_token', refresh_token: tokens['refresh_token'] }));
    expect(refreshed['scope']).toBe('openid offline_access');
  });

  it('carry the user who approved, the time they signed in, and no browser session id', async () => {
    const device = await startDevice(t, tv.client, 'openid');
    await answerDevice(t, device.user_code, 'allow');
    const tokens = await tokensOf(await poll(t, tv.client, device.device_code));
    const idToken = await verifyJwt(t, tv.client.slug, tokens['id_token'], { audience: tv.client.clientId });
    // authentik: auth_time was the issue time of the device token.
    expect(idToken.payload).toMatchObject({ auth_time: t.authTime, azp: tv.client.clientId });
    expect(idToken.payload['sid']).toBeUndefined();
    expect(idToken.payload['nonce']).toBeUndefined();
    expect(decodeJwt(tokens['access_token'])['sub']).toBe(idToken.payload.sub);
  });

  it('come to a public client polling with client_id alone', async () => {
    const device = await startDevice(t, publicClient, 'openid profile');
    await answerDevice(t, device.user_code, 'allow');
    const tokens = await tokensOf(await poll(t, publicClient, device.device_code));
    expect(tokens['scope']).toBe('openid profile');
  });

  it('are refused when the user was deactivated after approving', async () => {
    const device = await startDevice(t, tv.client, 'openid');
    await answerDevice(t, device.user_code, 'allow', 'user-2');
    const bob = await t.stores.users.find('user-2');
    await t.stores.users.save({ ...bob!, isActive: false });
    try {
      await expectTokenError(await poll(t, tv.client, device.device_code), 400, 'invalid_grant');
    } finally {
      await t.stores.users.save(bob!);
    }
  });
});
