import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { OAuthError } from '@gatehouse/core';
import type { Redis } from 'ioredis';
import { createRedisClient, redisCodeCache } from '@gatehouse/redis-code-cache';
import { describeRequiring, serviceAt } from '@gatehouse/core/testing';
import { deleteKeys, keysUnder, testPrefix, testRedisUrl, waitForReady } from './support/test-redis.js';

const redisRequirement = serviceAt(testRedisUrl);

describeRequiring('redisCodeCache: Redis specifics', redisRequirement, () => {
  let redis: Redis;
  let other: Redis;
  const prefixes: string[] = [];
  const newPrefix = () => {
    const prefix = testPrefix();
    prefixes.push(prefix);
    return prefix;
  };
  beforeAll(async () => {
    [redis, other] = [createRedisClient(testRedisUrl), createRedisClient(testRedisUrl)];
    await Promise.all([waitForReady(redis), waitForReady(other)]);
  });
  afterAll(async () => {
    for (const prefix of prefixes) await deleteKeys(redis, prefix);
    await Promise.all([redis?.quit(), other?.quit()]);
  });

  it('lets exactly one of 100 concurrent consumes of one key win', async () => {
    const cache = redisCodeCache(redis, { prefix: newPrefix() });
    await cache.put('code', { grantId: 'g-1' }, 60);
    const results = await Promise.all(Array.from({ length: 100 }, () => cache.consume('code')));
    expect(results.filter((result) => result?.alreadyConsumed === false)).toHaveLength(1);
    expect(results.filter((result) => result?.alreadyConsumed === true)).toHaveLength(99);
  });

  it('lets exactly one of 100 consumes win across two clients, as two provider processes would', async () => {
    const prefix = newPrefix();
    const [first, second] = [redisCodeCache(redis, { prefix }), redisCodeCache(other, { prefix })];
    await first.put('code', { grantId: 'g-1' }, 60);
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => (i % 2 ? first : second).consume('code')));
    expect(results.filter((result) => result?.alreadyConsumed === false)).toHaveLength(1);
  });

  it('sets a TTL on every key, and consuming keeps it', async () => {
    const prefix = newPrefix();
    const cache = redisCodeCache(redis, { prefix });
    await cache.put('short', { n: 1 }, 1.5);
    await cache.put('code', { n: 2 }, 60);
    await cache.put('device', { n: 3 }, 600);
    await cache.consume('code');
    const ttls = Object.fromEntries(
      await Promise.all((await keysUnder(redis, prefix)).map(async (key) => [key.slice(prefix.length), await redis.pttl(key)])),
    );
    expect(Object.keys(ttls).sort()).toEqual(['code', 'device', 'short']);
    expect(ttls.short).toBeGreaterThan(1000);
    expect(ttls.short).toBeLessThanOrEqual(1500);
    expect(ttls.code).toBeGreaterThan(55_000);
    expect(ttls.code).toBeLessThanOrEqual(60_000);
    expect(ttls.device).toBeGreaterThan(595_000);
  });

  it('stores each entry under the prefix plus the caller\'s key, and nothing else', async () => {
    const prefix = newPrefix();
    const cache = redisCodeCache(redis, { prefix });
    const secret = 'raw-authorization-code-value';
    await cache.put('digest-a', { code: secret }, 60);
    await cache.put('digest-b', { code: secret }, 60);
    expect(await keysUnder(redis, prefix)).toEqual([`${prefix}digest-a`, `${prefix}digest-b`]);
    for (const key of await keysUnder(redis, prefix)) expect(key).not.toContain(secret);
  });

  it('uses gatehouse: as the default prefix', async () => {
    const key = testPrefix();
    await redisCodeCache(redis).put(key, { n: 1 }, 60);
    expect(await redis.exists(`gatehouse:${key}`)).toBe(1);
    await redis.del(`gatehouse:${key}`);
  });

  it('stores nothing for a TTL of zero, and overwrites an entry put again', async () => {
    const cache = redisCodeCache(redis, { prefix: newPrefix() });
    await cache.put('code', { n: 1 }, 60);
    await cache.put('code', { n: 2 }, 0);
    expect(await cache.find('code')).toBeNull();
    await expect(cache.put('code', { n: 3 }, Number.NaN)).rejects.toThrow(RangeError);
  });

  it('recovers the script when Redis has forgotten it (SCRIPT FLUSH, restart, failover)', async () => {
    const cache = redisCodeCache(redis, { prefix: newPrefix() });
    await cache.put('code', { n: 1 }, 60);
    await redis.script('FLUSH');
    expect(await cache.consume('code')).toEqual({ value: { n: 1 }, alreadyConsumed: false });
  });

  it('turns a Redis error that is not about the connection into temporarily_unavailable too', async () => {
    const prefix = newPrefix();
    const cache = redisCodeCache(redis, { prefix, retryAfterSeconds: 7 });
    await redis.lpush(`${prefix}not-a-string`, 'x');
    const error = await cache.find('not-a-string').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OAuthError);
    expect(error).toMatchObject({ code: 'temporarily_unavailable', status: 503, retryAfterSeconds: 7 });
    expect((error as OAuthError).detail).toMatch(/WRONGTYPE/);
  });
});
