import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { memoryCodeCache, memoryStores, type CodeCache, type Stores } from '@gatehouse/core';
import { applyMigrations, connectPostgres, openPglite, prismaStores, type Database } from '@gatehouse/prisma-store';
import { createRedisClient, redisCodeCache } from '@gatehouse/redis-code-cache';
import type { Redis } from 'ioredis';
import type { ProviderEnv } from './env.js';

// PGlite does not create missing parent folders: DATA_DIR may not exist yet on a fresh checkout.
async function dataDirectory(dataDir: string, name: string): Promise<string> {
  await mkdir(dataDir, { recursive: true });
  return join(dataDir, name);
}

/** Where the provider keeps its state, chosen by the environment (DESIGN.md §6). */
export interface Storage {
  readonly stores: Stores;
  readonly codes: CodeCache;
  readonly redis: Redis | undefined;
  /** Rejects when the database or Redis does not answer within two seconds. */
  checkReadiness(): Promise<void>;
  close(): Promise<void>;
}

/** The database the environment names: PostgreSQL at DATABASE_URL, otherwise PGlite under DATA_DIR. Not migrated. */
export async function openDatabase(env: ProviderEnv, logger: Logger): Promise<Database> {
  return env.DATABASE_URL
    ? connectPostgres(env.DATABASE_URL, {
        // Units of work (code exchange, rotation) hold a connection across a Redis call; with ten,
        // fifty concurrent requests queue for one. Single statements are batched and need few.
        poolSize: 20,
        onIdleClientError: (error) => logger.warn({ err: error }, 'postgres connection closed'),
      })
    : openPglite(await dataDirectory(env.DATA_DIR, 'pglite'));
}

/**
 * PostgreSQL when DATABASE_URL is set, otherwise PGlite under DATA_DIR; Redis for codes when
 * REDIS_URL is set, otherwise this process's memory. Pending migrations are applied first:
 * always on PGlite, on PostgreSQL unless MIGRATE_ON_START=false.
 */
export async function openStorage(env: ProviderEnv, secretKey: string, logger: Logger): Promise<Storage> {
  if (env.GATEHOUSE_STORAGE === 'memory') return memoryStorage(env, logger);
  const database = await openDatabase(env, logger);
  if (!env.DATABASE_URL || env.MIGRATE_ON_START === 'true') {
    const applied = await applyMigrations(database);
    if (applied.length > 0) logger.info({ migrations: applied }, 'applied database migrations');
  }
  const redis = env.REDIS_URL ? createRedisClient(env.REDIS_URL) : null;
  redis?.on('error', (error: Error) => logger.warn({ err: error }, 'redis connection error'));
  const withinTwoSeconds = <T>(check: Promise<T>) =>
    Promise.race([check, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('backend check timed out')), 2000).unref())]);
  return {
    stores: prismaStores(database.prisma, { secretKey }),
    codes: redis ? redisCodeCache(redis) : memoryCodeCache(),
    redis: redis ?? undefined,
    async checkReadiness() {
      await withinTwoSeconds(database.prisma.$queryRaw`SELECT 1`);
      if (redis) await withinTwoSeconds(redis.ping());
    },
    async close() {
      redis?.disconnect();
      await database.close();
    },
  };
}

/**
 * GATEHOUSE_STORAGE=memory: the in-memory stores (DATABASE_URL is not read), codes in Redis when
 * REDIS_URL is set. Everything is lost on exit: for benchmarks and throwaway demos.
 */
function memoryStorage(env: ProviderEnv, logger: Logger): Storage {
  const redis = env.REDIS_URL ? createRedisClient(env.REDIS_URL) : null;
  redis?.on('error', (error: Error) => logger.warn({ err: error }, 'redis connection error'));
  return {
    stores: memoryStores(),
    codes: redis ? redisCodeCache(redis) : memoryCodeCache(),
    redis: redis ?? undefined,
    async checkReadiness() {
      await redis?.ping();
    },
    async close() {
      redis?.disconnect();
    },
  };
}
