import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { errorResponse, OAuthError } from '@gatehouse/core';
import type { Redis } from 'ioredis';
import { createRedisClient, redisCodeCache } from '@gatehouse/redis-code-cache';
import { freePort } from '../src/testing/index.js';

describe('redisCodeCache without a Redis', () => {
  let redis: Redis;
  beforeAll(async () => {
    // ioredis arms a disconnectTimeout timer on a socket that has already closed, which would
    // outlive the suite by 2 s: keep it short here.
    redis = createRedisClient(`redis://127.0.0.1:${await freePort()}`, { disconnectTimeout: 20 });
    redis.on('error', () => {}); // connection refused, on every reconnection attempt
  });
  afterAll(async () => {
    redis.disconnect();
    await new Promise((resolve) => setTimeout(resolve, 50));
  });

  const calls = {
    put: (cache: ReturnType<typeof redisCodeCache>) => cache.put('code', { n: 1 }, 60),
    find: (cache: ReturnType<typeof redisCodeCache>) => cache.find('code'),
    consume: (cache: ReturnType<typeof redisCodeCache>) => cache.consume('code'),
    delete: (cache: ReturnType<typeof redisCodeCache>) => cache.delete('code'),
  };

  it.each(Object.entries(calls))('%s rejects within 2 s with temporarily_unavailable (503, Retry-After)', async (_, call) => {
    const started = performance.now();
    const error = await call(redisCodeCache(redis)).catch((caught: unknown) => caught);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(error).toBeInstanceOf(OAuthError);
    expect(error).toMatchObject({ code: 'temporarily_unavailable', status: 503, retryAfterSeconds: 5 });
    expect(errorResponse(error as OAuthError, 'r1')).toMatchObject({
      status: 503,
      headers: { 'retry-after': '5' },
      body: { error: 'temporarily_unavailable', error_description: 'the code store is unavailable; try again shortly' },
    });
  });

  it('keeps failing fast while the client keeps trying to reconnect, with the configured Retry-After', async () => {
    await new Promise((resolve) => setTimeout(resolve, 300));
    const cache = redisCodeCache(redis, { retryAfterSeconds: 2 });
    const started = performance.now();
    await expect(cache.consume('code')).rejects.toMatchObject({ code: 'temporarily_unavailable', retryAfterSeconds: 2 });
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
