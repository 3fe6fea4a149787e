import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { Redis } from 'ioredis';

/** The shared Redis the suites run against (CONVENTIONS 16b). */
export const testRedisUrl: string = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix of its own for each test, so parallel workers and runs never share keys. */
export const testPrefix = (): string => `gatehouse-test:${randomUUID()}:`;

/** Waits until the client has connected and passed its ready check. */
export async function waitForReady(redis: Redis, timeoutMs = 5000): Promise<void> {
  if (redis.status === 'ready') return;
  await once(redis, 'ready', { signal: AbortSignal.timeout(timeoutMs) });
}

/** Deletes every key under a prefix (tests clean up after themselves; TTLs would anyway). */
export async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 1000 }) as AsyncIterable<string[]>) {
    if (keys.length > 0) await redis.del(...keys);
  }
}

/** Every key under a prefix. */
export async function keysUnder(redis: Redis, prefix: string): Promise<string[]> {
  const found: string[] = [];
  for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 1000 }) as AsyncIterable<string[]>) {
    found.push(...keys);
  }
  return found.sort();
}
