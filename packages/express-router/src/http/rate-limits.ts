import { createHash } from 'node:crypto';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

/** At most `points` requests per `durationSeconds`, counted from the first one (a fixed window). */
export interface RateLimit {
  readonly points: number;
  readonly durationSeconds: number;
}

/** Rate limits of the endpoints that authenticate clients (the `rateLimits` router option). */
export interface RateLimitOptions {
  /**
   * An ioredis client: the counts are shared by every process using the same Redis. Without it
   * each process counts for itself. While Redis is unreachable, each process counts in memory.
   */
  readonly redis?: object | undefined;
  /** Token endpoint requests per client_id; 300 per 10 s by default. */
  readonly token?: RateLimit | false;
  /** Introspection requests per caller (client_id, or bearer token); 1,000 per 10 s by default. */
  readonly introspection?: RateLimit | false;
  /**
   * Failed client authentications (401 `invalid_client`) per client address at the token,
   * revocation, introspection and device authorization endpoints: 30 per minute by default, then
   * every request of that address is refused for `blockSeconds` (5 minutes by default).
   */
  readonly failedClientAuthentication?: (RateLimit & { readonly blockSeconds?: number }) | false;
}

/** The defaults of {@link RateLimitOptions}. */
export const defaultRateLimits = {
  token: { points: 300, durationSeconds: 10 },
  introspection: { points: 1_000, durationSeconds: 10 },
  failedClientAuthentication: { points: 30, durationSeconds: 60, blockSeconds: 300 },
} as const;

/** What the router asks of the limits; every answer is the seconds to wait, 0 to go ahead. */
export interface RateLimits {
  /** Refused while `address` is blocked for failed client authentication. */
  blockedFor(address: string): Promise<number>;
  /** Counts one request of `key` against the endpoint's limit. */
  consume(endpoint: 'token' | 'introspection', key: string): Promise<number>;
  /** Counts one failed client authentication of `address`. */
  failedAuthentication(address: string): Promise<void>;
}

type Limiter = { readonly limiter: RateLimiterAbstract; readonly points: number };

function limiter(redis: object | undefined, name: string, limit: RateLimit, blockSeconds = 0): Limiter {
  const options = { keyPrefix: `gatehouse:${name}`, points: limit.points, duration: limit.durationSeconds, blockDuration: blockSeconds };
  if (!redis) return { limiter: new RateLimiterMemory(options), points: limit.points };
  // A key over a plain limit is refused from memory for the rest of its window: a flood costs Redis
  // nothing (a blocking limit must reach Redis to block there). While Redis is away, the limits
  // hold per process instead of not at all.
  const limited = new RateLimiterRedis({
    ...options,
    storeClient: redis,
    rejectIfRedisNotReady: true,
    ...(blockSeconds === 0 ? { inMemoryBlockOnConsumed: limit.points + 1 } : {}),
    insuranceLimiter: new RateLimiterMemory(options),
  });
  return { limiter: limited, points: limit.points };
}

// Client ids and addresses are short; anything else (a client_id a flood made up) is kept as a digest.
const keyOf = (key: string) => (key.length <= 128 ? key : createHash('sha256').update(key).digest('base64url'));
const secondsOf = (result: RateLimiterRes) => Math.max(1, Math.ceil(result.msBeforeNext / 1000));

/**
 * The counters behind the `rateLimits` option (rate-limiter-flexible): one in-memory `consume`
 * per request and limit, or one Redis round trip when shared. A limiter that fails for another
 * reason than the limit lets the request through: a broken counter must not take the endpoint down.
 */
export function createRateLimits(options: RateLimitOptions = {}): RateLimits | null {
  const choose = <T>(value: T | false | undefined, fallback: T): T | null => (value === false ? null : (value ?? fallback));
  const token = choose(options.token, defaultRateLimits.token);
  const introspection = choose(options.introspection, defaultRateLimits.introspection);
  const failures = choose(options.failedClientAuthentication, defaultRateLimits.failedClientAuthentication);
  // Every limit off: nothing to count, and no client address to work out per request.
  if (!token && !introspection && !failures) return null;
  const limiters = {
    token: token && limiter(options.redis, 'token', token),
    introspection: introspection && limiter(options.redis, 'introspection', introspection),
  };
  const failed = failures && limiter(options.redis, 'client-auth-failures', failures, failures.blockSeconds ?? defaultRateLimits.failedClientAuthentication.blockSeconds);

  const consume = async (target: Limiter, key: string): Promise<number> => {
    try {
      await target.limiter.consume(keyOf(key));
      return 0;
    } catch (rejection) {
      return rejection instanceof RateLimiterRes ? secondsOf(rejection) : 0;
    }
  };

  return {
    async blockedFor(address) {
      if (!failed) return 0;
      try {
        const result = await failed.limiter.get(keyOf(address));
        return result && result.consumedPoints > failed.points ? secondsOf(result) : 0;
      } catch {
        return 0;
      }
    },
    async consume(endpoint, key) {
      const target = limiters[endpoint];
      return target ? consume(target, key) : 0;
    },
    async failedAuthentication(address) {
      if (failed) await consume(failed, address);
    },
  };
}
