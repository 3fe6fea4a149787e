import { Redis, type RedisOptions } from 'ioredis';
import { failFastRedisOptions } from './fail-fast-redis-options.js';

/**
 * An ioredis client with {@link failFastRedisOptions}: requests fail fast (503) while Redis is
 * away, and the client reconnects by itself. It connects at once; calls made before it is ready
 * fail like calls during an outage. ioredis reports connection errors as `error` events: listen
 * to them to log outages.
 *
 * @param url `redis://[[user]:password@]host[:port][/db]` or `rediss://` for TLS; defaults to
 *   `redis://127.0.0.1:6379`.
 * @param options ioredis options that override the fail-fast defaults.
 * @example
 * const redis = createRedisClient(process.env.REDIS_URL);
 * redis.on('error', (error) => logger.warn({ err: error }, 'redis'));
 */
export function createRedisClient(url?: string, options: RedisOptions = {}): Redis {
  return new Redis(url ?? 'redis://127.0.0.1:6379', { ...failFastRedisOptions, ...options });
}
