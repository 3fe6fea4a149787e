import { randomUUID } from 'node:crypto';
import * as client from 'openid-client';
import { describeRequiring, serviceAt } from '@gatehouse/core/testing';
import { prismaStores } from '@gatehouse/prisma-store';
import { createPostgresDatabase, type TestDatabase } from '@gatehouse/prisma-store/testing';
import { createRedisClient, redisCodeCache } from '@gatehouse/redis-code-cache';
import type { Redis } from 'ioredis';
import { Browser } from './browser.js';
import { callback, person, secretOf, seed } from './e2e.fixtures.js';
import { startProvider, type RunningProvider } from './provider-harness.js';

const postgresUrl = process.env['TEST_DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const postgres = serviceAt(postgresUrl);
const requirement = postgres.available ? serviceAt(redisUrl) : postgres;
const appPassword = 'app-password-token-0123456789abcdefghij';

// DESIGN.md §4: nothing secret is persisted in clear. After real flows, neither a table nor a
// Redis key or value may contain a client secret, an app password, a user password, a code or a
// private key.
describeRequiring('secrets at rest in PostgreSQL and Redis', requirement, () => {
  let db: TestDatabase;
  let redis: Redis;
  let provider: RunningProvider;
  const prefix = `gatehouse-secrets-${randomUUID()}:`;

  beforeAll(async () => {
    db = await createPostgresDatabase(postgresUrl);
    redis = createRedisClient(redisUrl);
    await new Promise((resolve) => redis.once('ready', resolve));
    const withAppPassword = { ...seed, users: seed.users.map((user) => ({ ...user, app_passwords: [{ name: 'ci', token: appPassword }] })) };
    provider = await startProvider(withAppPassword, {
      stores: prismaStores(db.database.prisma, { secretKey: 'secrets-at-rest-key-0123456789abcdefghijkl' }),
      codes: redisCodeCache(redis, { prefix }),
    });
  }, 60_000);

  afterAll(async () => {
    await provider?.close();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis?.disconnect();
    await db?.drop();
  });

  async function postgresDump(): Promise<string> {
    const tables = await db.database.prisma.$queryRaw<{ tablename: string }[]>`SELECT tablename FROM pg_tables WHERE schemaname = 'public'`;
    const dumps = await Promise.all(tables.map(({ tablename }) =>
      db.database.prisma.$queryRawUnsafe<{ dump: string | null }[]>(`SELECT string_agg(row_to_json(t)::text, E'\\n') AS dump FROM "${tablename}" t`)));
    return dumps.map((rows) => rows[0]?.dump ?? '').join('\n');
  }

  async function redisDump(): Promise<string> {
    const keys = await redis.keys(`${prefix}*`);
    const values = keys.length > 0 ? await redis.mget(...keys) : [];
    return [...keys, ...values].join('\n');
  }

  it('keeps client secrets, app passwords, passwords, codes and private keys out of both', async () => {
    const codes: string[] = [];
    for (const slug of ['es', 'hs']) {
      const config = await client.discovery(new URL(`${provider.baseUrl}/application/o/${slug}/`), `${slug}-client`, secretOf(slug), undefined, {
        execute: [client.allowInsecureRequests],
      });
      const verifier = client.randomPKCECodeVerifier();
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: callback, scope: 'openid profile email',
        code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
      });
      const { callback: returned } = await new Browser().signInAndConsent(url.href, callback, person);
      codes.push(returned.searchParams.get('code')!);
      const tokens = await client.authorizationCodeGrant(config, returned, { pkceCodeVerifier: verifier, idTokenExpected: true });
      expect(tokens.access_token).toBeTruthy();
    }

    const [tables, cache] = await Promise.all([postgresDump(), redisDump()]);
    // The dumps hold the flows' state: the checks below look at real data.
    expect(tables).toContain('es-client');
    expect(tables).toContain('"jti"');
    expect(cache).toContain(prefix);

    const privateParts = (await provider.stores.keys.list()).map((key) => key.privateJwk.d!);
    const secrets = [secretOf('es'), secretOf('hs'), appPassword, person.password, ...codes, ...privateParts];
    for (const secret of secrets) {
      expect({ secret, inPostgres: tables.includes(secret) }).toEqual({ secret, inPostgres: false });
      expect({ secret, inRedis: cache.includes(secret) }).toEqual({ secret, inRedis: false });
    }
  }, 30_000);
});
