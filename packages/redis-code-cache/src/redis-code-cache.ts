import type { CodeCache, Consumed } from '@gatehouse/core';
import type { Cluster, Redis } from 'ioredis';
import { decodeEntry, encodeEntry } from './cache-entry.js';
import { codeStoreUnavailable } from './code-store-unavailable.js';
import { consumeScript } from './consume-script.js';

/**
 * Settings of {@link redisCodeCache}.
 *
 * @example
 * redisCodeCache(redis, { prefix: 'idp-eu:', retryAfterSeconds: 2 });
 */
export interface RedisCodeCacheOptions {
  /** Prepended to every key, so Gatehouse can share a Redis database. Default `gatehouse:`. */
  readonly prefix?: string;
  /** Sent as `Retry-After` when Redis cannot be reached. Default 5. */
  readonly retryAfterSeconds?: number;
}

/**
 * Single-use codes in Redis, shared by every provider process that points at it. Each entry is
 * one key (`<prefix><key>`) with a TTL, so it works on Redis Cluster; consume is one Lua script.
 * Every Redis failure rejects with `temporarily_unavailable` (503, `Retry-After`).
 *
 * @example
 * const server = createAuthorizationServer({
 *   baseUrl, stores,
 *   codes: redisCodeCache(createRedisClient(process.env.REDIS_URL)),
 * });
 */
export function redisCodeCache(redis: Redis | Cluster, options: RedisCodeCacheOptions = {}): CodeCache {
  const prefix = options.prefix ?? 'gatehouse:';
  const retryAfterSeconds = options.retryAfterSeconds ?? 5;
  const call = async <T>(command: () => Promise<T>): Promise<T> => {
    try {
      return await command();
    } catch (error) {
      throw codeStoreUnavailable(error, retryAfterSeconds);
    }
  };

  return {
    put: async (key, value, ttlSeconds) => {
      if (!Number.isFinite(ttlSeconds)) throw new RangeError(`ttlSeconds must be a finite number, got ${ttlSeconds}`);
      const entry = encodeEntry(value);
      const ttlMs = Math.ceil(ttlSeconds * 1000);
      // Redis refuses a zero TTL; an entry that expires at once is no entry, as in memoryCodeCache.
      if (ttlMs <= 0) await call(() => redis.del(prefix + key));
      else await call(() => redis.set(prefix + key, entry, 'PX', ttlMs));
    },
    add: async (key, value, ttlSeconds) => {
      if (!Number.isFinite(ttlSeconds)) throw new RangeError(`ttlSeconds must be a finite number, got ${ttlSeconds}`);
      const ttlMs = Math.ceil(ttlSeconds * 1000);
      if (ttlMs <= 0) return true;
      return (await call(() => redis.set(prefix + key, encodeEntry(value), 'PX', ttlMs, 'NX'))) === 'OK';
    },
    find: async <T>(key: string): Promise<T | null> => {
      const entry = await call(() => redis.get(prefix + key));
      return entry === null ? null : decodeEntry<T>(entry).value;
    },
    consume: async <T>(key: string): Promise<Consumed<T> | null> => {
      const entry = await call(() => consumeScript.run(redis, prefix + key));
      if (entry === null) return null;
      const { value, consumed } = decodeEntry<T>(entry);
      return { value, alreadyConsumed: consumed };
    },
    delete: async (key) => {
      await call(() => redis.del(prefix + key));
    },
  };
}
