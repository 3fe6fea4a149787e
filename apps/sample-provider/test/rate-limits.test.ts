// The router's rate limits in the reference provider, shared through Redis (the provider passes
// storage.redis on, as it does for the login throttle): two provider instances on one Redis count
// one client's token requests and one address's failed client authentications together. With
// Redis gone, each instance keeps limiting in its own memory and answers at once.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeRequiring } from '@gatehouse/core/testing';
import { createRedisClient } from '@gatehouse/redis-code-cache';
import { freePort, redisServerInstalled, startRedisServer, type RedisServerProcess } from '@gatehouse/redis-code-cache/testing';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { createProvider } from '../src/create-provider.js';
import { seedSchema } from '../src/seed/seed-schema.js';
import { callback, secretOf, seed } from './e2e.fixtures.js';

const requirement = { available: redisServerInstalled(), missing: 'redis-server is not installed' };

interface Instance {
  readonly baseUrl: string;
  close(): Promise<void>;
}

async function startInstance(redis: Redis): Promise<Instance> {
  const http: Server = createServer();
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  const baseUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const provider = await createProvider({
    publicUrl: baseUrl,
    secretKey: 'rate-limits-secret-key-0123456789abcdefghijkl',
    seed: seedSchema.parse(seed),
    logger: pino({ level: 'silent' }),
    redis,
    rateLimits: { token: { points: 4, durationSeconds: 60 }, failedClientAuthentication: { points: 2, durationSeconds: 60, blockSeconds: 60 } },
  });
  http.on('request', provider.listener);
  return {
    baseUrl,
    close: () => new Promise((resolve) => {
      http.closeAllConnections();
      http.close(() => resolve());
    }),
  };
}

const basic = (slug: string, secret = secretOf(slug)) => `Basic ${Buffer.from(`${slug}-client:${secret}`).toString('base64')}`;

/** An unknown code at `instance` as `slug` from `address`: 400 invalid_grant while within the limits. */
async function badCode(instance: Instance, slug: string, address: string, secret?: string): Promise<number> {
  const res = await fetch(`${instance.baseUrl}/application/o/token/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(slug, secret), 'x-forwarded-for': address },
    body: new URLSearchParams({ grant_type: 'authorization_code', code: 'unknown', redirect_uri: callback }).toString(),
    signal: AbortSignal.timeout(2000),
  });
  await res.arrayBuffer();
  return res.status;
}

describeRequiring('rate limits shared through Redis', requirement, () => {
  let server: RedisServerProcess;
  let redis: Redis;
  let a: Instance;
  let b: Instance;
  beforeAll(async () => {
    server = await startRedisServer(await freePort());
    redis = createRedisClient(`redis://127.0.0.1:${server.port}`);
    redis.on('error', () => undefined);
    [a, b] = await Promise.all([startInstance(redis), startInstance(redis)]);
  }, 30_000);
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    redis?.disconnect();
    await server?.kill();
  });

  it('counts one client across both instances', async () => {
    const answers = [await badCode(a, 'es', '10.0.0.1'), await badCode(b, 'es', '10.0.0.2'), await badCode(a, 'es', '10.0.0.3'), await badCode(b, 'es', '10.0.0.4')];
    expect(answers).toEqual([400, 400, 400, 400]);
    expect(await badCode(a, 'es', '10.0.0.5')).toBe(429);
    expect(await badCode(b, 'es', '10.0.0.6')).toBe(429);
    expect(await badCode(b, 'rs', '10.0.0.6')).toBe(400);
  });

  it('blocks an address at both instances after failures at either', async () => {
    expect([await badCode(a, 'hs', '10.0.1.1', 'wrong'), await badCode(b, 'hs', '10.0.1.1', 'wrong'), await badCode(a, 'hs', '10.0.1.1', 'wrong')]).toEqual([401, 401, 401]);
    expect(await badCode(b, 'rs', '10.0.1.1')).toBe(429);
    expect(await badCode(b, 'rs', '10.0.1.2')).toBe(400);
  });

  it('keeps limiting in memory, and answering at once, while Redis is gone', async () => {
    // Not events.once: it rejects on the connection errors ioredis reports while reconnecting.
    const closed = new Promise((resolve) => redis.once('close', resolve));
    await server.kill();
    await closed;
    const started = Date.now();
    const answers: number[] = [];
    for (let i = 0; i < 5; i++) answers.push(await badCode(a, 'rs', '10.0.2.1'));
    expect(answers).toEqual([400, 400, 400, 400, 429]);
    expect(Date.now() - started).toBeLessThan(2000);

    // Redis back: the shared counts apply again (the client's counts there start afresh).
    const ready = new Promise((resolve) => redis.once('ready', resolve));
    server = await startRedisServer(server.port);
    await ready;
    expect(await badCode(b, 'rs', '10.0.2.2')).toBe(400);
  }, 15_000);
});
