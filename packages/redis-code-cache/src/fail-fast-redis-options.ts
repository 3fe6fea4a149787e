import type { RedisOptions } from 'ioredis';

/**
 * ioredis settings under which a missing or stalled Redis fails a request within about a
 * second instead of queueing it, while the client keeps reconnecting in the background.
 * {@link createRedisClient} applies them; pass them yourself for a Cluster or Sentinel client.
 *
 * @example
 * const cluster = new Cluster(nodes, { enableOfflineQueue: false, redisOptions: failFastRedisOptions });
 * const codes = redisCodeCache(cluster);
 */
export const failFastRedisOptions: RedisOptions = {
  // While disconnected, reject at once rather than hold the request until Redis returns.
  enableOfflineQueue: false,
  // Commands in flight when the connection drops are rejected on that drop, not retried: a
  // resent consume could find its own first attempt and report a replay.
  maxRetriesPerRequest: 0,
  autoResendUnfulfilledCommands: false,
  // A Redis that accepts connections but stops answering (overloaded, paused, network black hole).
  commandTimeout: 1000,
  connectTimeout: 2000,
  // Never gives up (never returns null), and retries at least every second, so the cache is
  // back about a second after Redis is.
  retryStrategy: (attempt) => Math.min(100 * attempt, 1000),
};
