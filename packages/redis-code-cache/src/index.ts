/**
 * `@gatehouse/redis-code-cache`: Gatehouse's single-use codes in Redis (DESIGN §2, §4).
 *
 * @example
 * import { createRedisClient, redisCodeCache } from '@gatehouse/redis-code-cache';
 * const codes = redisCodeCache(createRedisClient(process.env.REDIS_URL));
 */
export { redisCodeCache } from './redis-code-cache.js';
export type { RedisCodeCacheOptions } from './redis-code-cache.js';
export { createRedisClient } from './create-redis-client.js';
export { failFastRedisOptions } from './fail-fast-redis-options.js';
