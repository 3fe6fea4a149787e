import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { createAuthorizationServer, digestToken, memoryStores } from '@gatehouse/core';
import { makeApplication } from '@gatehouse/core/testing';
import type { Redis } from 'ioredis';
import { createRedisClient, redisCodeCache } from '@gatehouse/redis-code-cache';
import { freePort } from '../src/testing/index.js';

// The whole path a client sees: a code redeemed while Redis is away is a 503 the client may
// retry, not a server_error and not a hang (issue 3, "Done when").
let redis: Redis;
beforeAll(async () => {
  // Short disconnectTimeout: see unavailable.test.ts.
  redis = createRedisClient(`redis://127.0.0.1:${await freePort()}`, { disconnectTimeout: 20 });
  redis.on('error', () => {});
});
afterAll(async () => {
  redis.disconnect();
  await new Promise((resolve) => setTimeout(resolve, 50));
});

it('answers 503 temporarily_unavailable with Retry-After at the token endpoint while Redis is down', async () => {
  const stores = memoryStores();
  await stores.applications.save(makeApplication({ clientSecretDigest: digestToken('secret-1') }));
  const server = createAuthorizationServer({
    baseUrl: 'https://id.example.com',
    stores,
    codes: redisCodeCache(redis, { retryAfterSeconds: 3 }),
  });
  const response = await server.token({
    params: { grant_type: 'authorization_code', code: 'some-code', redirect_uri: 'https://app.example.com/callback' },
    authorization: `Basic ${Buffer.from('client-1:secret-1').toString('base64')}`,
    requestId: 'r-1',
  });
  expect(response).toMatchObject({
    status: 503,
    headers: { 'retry-after': '3', 'cache-control': 'no-store' },
    body: { error: 'temporarily_unavailable', request_id: 'r-1' },
  });
});
