// The code cache failing in the middle of an exchange, after the grant and its tokens were
// recorded and before the code is used up: nothing of that exchange stays, and the client's retry
// is an ordinary first redemption, not a replay.
import { decodeJwt } from 'jose';
import { memoryCodeCache, OAuthError, type CodeCache } from '@gatehouse/core';
import { clients, exchangeCode, get, jsonOf, obtainCode, startTestServer, userinfoPath, type TestServer } from '../fixtures.js';

let failConsume = false;
const memory = memoryCodeCache();
const flaky: CodeCache = {
  ...memory,
  consume: (key) => (failConsume ? Promise.reject(new OAuthError('temporarily_unavailable', 'the code cache is unavailable', { status: 503 })) : memory.consume(key)),
};

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ codes: flaky });
});
afterAll(() => t.close());

it('answers 503, keeps no grant or token of the failed exchange, and lets the retry redeem the code once', async () => {
  const code = await obtainCode(t, clients.confidential);
  failConsume = true;
  const failed = await exchangeCode(t, clients.confidential, code);
  failConsume = false;
  expect(failed.status).toBe(503);
  expect(await jsonOf(failed)).toMatchObject({ error: 'temporarily_unavailable' });

  const retry = await exchangeCode(t, clients.confidential, code);
  expect(retry.status).toBe(200);
  const { access_token: accessToken } = await jsonOf(retry);
  expect((await get(t, userinfoPath, { headers: { authorization: `Bearer ${accessToken}` } })).status).toBe(200);
  // The retry recorded the code's grant afresh: the failed exchange's had been discarded.
  const record = await t.stores.accessTokens.find(decodeJwt(accessToken).jti!, Math.floor(Date.now() / 1000));
  expect(await t.stores.grants.find(record!.grantId!)).toMatchObject({ revokedAt: null });

  const replay = await exchangeCode(t, clients.confidential, code);
  expect(replay.status).toBe(400);
  expect((await get(t, userinfoPath, { headers: { authorization: `Bearer ${accessToken}` } })).status).toBe(401);
});
