import { afterAll, beforeAll } from '@jest/globals';
import { describeCodeCache } from '@gatehouse/core/testing';
import type { Redis } from 'ioredis';
import { createRedisClient, redisCodeCache } from '@gatehouse/redis-code-cache';
import { describeRequiring, serviceAt } from '@gatehouse/core/testing';
import { deleteKeys, testPrefix, testRedisUrl, waitForReady } from './support/test-redis.js';

const redisRequirement = serviceAt(testRedisUrl);

describeRequiring('redisCodeCache on a real Redis', redisRequirement, () => {
  let redis: Redis;
  beforeAll(async () => {
    redis = createRedisClient(testRedisUrl);
    await waitForReady(redis);
  });
  afterAll(async () => {
    await redis?.quit();
  });

  describeCodeCache('redisCodeCache', async () => {
    const prefix = testPrefix();
    return { cache: redisCodeCache(redis, { prefix }), close: () => deleteKeys(redis, prefix) };
  });
});
