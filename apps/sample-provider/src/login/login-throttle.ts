import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

/** Failed-login limits: per address, and per account with a lockout that grows each time. */
export interface LoginThrottle {
  /** Seconds to wait before this login may be tried, or 0. */
  wait(ip: string, username: string): Promise<number>;
  /** Counts a failed attempt; answers the seconds to wait from now on, or 0. */
  fail(ip: string, username: string): Promise<number>;
  /** A successful sign-in clears the account's failures (never counted, DESIGN.md §6). */
  succeed(username: string): Promise<void>;
}

export interface LoginThrottleOptions {
  /** Shared by every provider process when set; this process's memory otherwise. */
  readonly redis?: Redis | undefined;
  readonly accountAttempts?: number;
  readonly ipAttempts?: number;
}

const windowSeconds = 15 * 60;
const firstLockoutSeconds = 60;
const longestLockoutSeconds = 60 * 60;

function limiter(redis: Redis | undefined, keyPrefix: string, points: number, duration: number, blockDuration = 0): RateLimiterAbstract {
  const options = { keyPrefix: `gatehouse:login:${keyPrefix}`, points, duration, blockDuration };
  if (!redis) return new RateLimiterMemory(options);
  // While Redis is away, the limits hold per process instead of not at all.
  return new RateLimiterRedis({ ...options, storeClient: redis, insuranceLimiter: new RateLimiterMemory(options) });
}

const secondsOf = (result: RateLimiterRes | null, points: number): number =>
  result && result.consumedPoints > points ? Math.ceil(result.msBeforeNext / 1000) : 0;

/**
 * Brute-force protection for the login form (Authgear-style account lockout): after
 * `accountAttempts` failures in 15 minutes an account is locked for 1 minute, then 2, 4, ... up
 * to an hour; one address gets `ipAttempts` failures per 15 minutes across all accounts.
 */
export function createLoginThrottle(options: LoginThrottleOptions = {}): LoginThrottle {
  const accountAttempts = options.accountAttempts ?? 5;
  const ipAttempts = options.ipAttempts ?? 30;
  const byAccount = limiter(options.redis, 'account', accountAttempts, windowSeconds);
  const lockouts = limiter(options.redis, 'lockouts', 1_000, 24 * 60 * 60);
  const byIp = limiter(options.redis, 'ip', ipAttempts, windowSeconds, windowSeconds);
  const account = (username: string) => username.trim().toLowerCase();

  const consume = async (target: RateLimiterAbstract, key: string): Promise<RateLimiterRes> => {
    try {
      return await target.consume(key);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return rejection;
      throw rejection;
    }
  };

  return {
    async wait(ip, username) {
      const [forAccount, forIp] = await Promise.all([byAccount.get(account(username)), byIp.get(ip)]);
      return Math.max(secondsOf(forAccount, accountAttempts), secondsOf(forIp, ipAttempts));
    },
    async fail(ip, username) {
      const [forAccount, forIp] = await Promise.all([consume(byAccount, account(username)), consume(byIp, ip)]);
      let wait = secondsOf(forIp, ipAttempts);
      if (forAccount.consumedPoints === accountAttempts) {
        const { consumedPoints } = await consume(lockouts, account(username));
        const lockout = Math.min(firstLockoutSeconds * 2 ** (consumedPoints - 1), longestLockoutSeconds);
        await byAccount.block(account(username), lockout);
        wait = Math.max(wait, lockout);
      }
      return Math.max(wait, secondsOf(forAccount, accountAttempts));
    },
    async succeed(username) {
      await byAccount.delete(account(username));
    },
  };
}
