import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { Redis } from 'ioredis';
import { createRedisClient, redisCodeCache } from '@gatehouse/redis-code-cache';
import { describeRequiring } from '@gatehouse/core/testing';
import { freePort, redisServerInstalled, startRedisServer, type RedisServerProcess } from '../src/testing/index.js';
import { waitForReady } from './support/test-redis.js';

/** Retries `attempt` until it resolves: how a client retrying after a 503 sees recovery. */
async function eventually<T>(attempt: () => Promise<T>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

const serverRequirement = { available: redisServerInstalled(), missing: 'redis-server is not installed' };

describeRequiring('redisCodeCache through a Redis outage', serverRequirement, () => {
  let port: number;
  let server: RedisServerProcess | undefined;
  let redis: Redis;
  beforeAll(async () => {
    port = await freePort();
    server = await startRedisServer(port);
    redis = createRedisClient(`redis://127.0.0.1:${port}`);
    redis.on('error', () => {}); // the outages below are on purpose
    await waitForReady(redis);
  });
  afterAll(async () => {
    redis?.disconnect();
    server?.resume();
    await server?.kill();
  });

  it('rejects after the command timeout when Redis stops answering, and works once it answers again', async () => {
    const cache = redisCodeCache(redis, { prefix: 'stall:' });
    await cache.put('code', { n: 1 }, 60);
    server?.pause();
    try {
      const started = performance.now();
      await expect(cache.consume('code')).rejects.toMatchObject({ code: 'temporarily_unavailable', status: 503 });
      expect(performance.now() - started).toBeLessThan(2000);
    } finally {
      server?.resume();
    }
    // The timed-out consume may still have run once Redis resumed: either outcome is a value.
    expect(await eventually(() => cache.consume('code'), 5000)).toMatchObject({ value: { n: 1 } });
  });

  it('rejects while Redis is down and recovers by itself, same client, once Redis is back', async () => {
    const cache = redisCodeCache(redis, { prefix: 'outage:' });
    await cache.put('before', { n: 1 }, 60);
    expect(await cache.consume('before')).toEqual({ value: { n: 1 }, alreadyConsumed: false });

    await server?.kill();
    const started = performance.now();
    await expect(cache.put('during', { n: 2 }, 60)).rejects.toMatchObject({ code: 'temporarily_unavailable', status: 503 });
    await expect(cache.consume('before')).rejects.toMatchObject({ code: 'temporarily_unavailable', retryAfterSeconds: 5 });
    expect(performance.now() - started).toBeLessThan(2000);

    server = await startRedisServer(port);
    const restarted = performance.now();
    await eventually(() => cache.put('after', { n: 3 }, 60), 5000);
    const recoveryMs = performance.now() - restarted;
    expect(await cache.consume('after')).toEqual({ value: { n: 3 }, alreadyConsumed: false });
    expect(await cache.consume('after')).toEqual({ value: { n: 3 }, alreadyConsumed: true });
    expect(recoveryMs).toBeLessThan(5000);
  }, 20_000);
});
