import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeRequiring, serviceAt } from '@gatehouse/core/testing';
import { createPostgresDatabase, type TestDatabase } from '@gatehouse/prisma-store/testing';
import { freePort, redisServerInstalled, startRedisServer, type RedisServerProcess } from '@gatehouse/redis-code-cache/testing';
import { callback, codeThroughBrowser, secretOf, seed } from './e2e.fixtures.js';
import { spawnProvider, type ProviderProcess } from './spawn-provider.js';

const postgresUrl = process.env['TEST_DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const postgres = serviceAt(postgresUrl);
const requirement = postgres.available && !redisServerInstalled() ? { available: false, missing: 'redis-server is not installed' } : postgres;

// Two provider processes behind one public URL (as behind a load balancer), sharing one
// PostgreSQL database and one Redis: they must behave as one provider.
describeRequiring('two provider processes on one PostgreSQL and one Redis', requirement, () => {
  let db: TestDatabase;
  let redis: RedisServerProcess;
  let a: ProviderProcess;
  let b: ProviderProcess;
  let publicUrl: string;
  let redisPort: number;

  beforeAll(async () => {
    db = await createPostgresDatabase(postgresUrl);
    redisPort = await freePort();
    redis = await startRedisServer(redisPort);
    const dir = await mkdtemp(join(tmpdir(), 'gatehouse-two-'));
    await writeFile(join(dir, 'seed.json'), JSON.stringify(seed));
    const portA = await freePort();
    publicUrl = `http://127.0.0.1:${portA}`;
    const env = {
      PUBLIC_URL: publicUrl,
      DATABASE_URL: db.url,
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      SECRET_KEY: 'two-instances-secret-key-0123456789abcdefghij',
      GATEHOUSE_SEED: join(dir, 'seed.json'),
      DATA_DIR: dir,
    };
    // Started together: migrations and the seed must cope with a second process doing the same.
    [a, b] = await Promise.all([spawnProvider({ ...env, PORT: String(portA) }), spawnProvider(env)]);
  }, 90_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await redis?.kill();
    await db?.drop();
  }, 30_000);

  const codeFrom = (instance: ProviderProcess) => codeThroughBrowser(instance.baseUrl);

  const exchange = (instance: ProviderProcess, code: string, verifier: string) =>
    fetch(`${instance.baseUrl}/application/o/token/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`es-client:${secretOf('es')}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: callback, code_verifier: verifier }),
    });
  const userinfo = (instance: ProviderProcess, token: string) =>
    fetch(`${instance.baseUrl}/application/o/userinfo/`, { headers: { authorization: `Bearer ${token}` } });

  it('publishes the same discovery document and the same signing keys from both', async () => {
    const [discoveryA, discoveryB, jwksA, jwksB] = await Promise.all([
      fetch(`${a.baseUrl}/application/o/es/.well-known/openid-configuration`).then((r) => r.json() as Promise<{ issuer: string }>),
      fetch(`${b.baseUrl}/application/o/es/.well-known/openid-configuration`).then((r) => r.json()),
      fetch(`${a.baseUrl}/application/o/es/jwks/`).then((r) => r.json() as Promise<{ keys: unknown[] }>),
      fetch(`${b.baseUrl}/application/o/es/jwks/`).then((r) => r.json()),
    ]);
    expect(discoveryA).toEqual(discoveryB);
    expect(discoveryA.issuer).toBe(`${publicUrl}/application/o/es/`);
    expect(jwksA).toEqual(jwksB);
    expect(jwksA.keys).toHaveLength(1);
  });

  it('redeems at one process a code issued by the other, and refuses the replay at either', async () => {
    const { code, verifier } = await codeFrom(a);
    const first = await exchange(b, code, verifier);
    expect(first.status).toBe(200);
    const tokens = (await first.json()) as { access_token: string };
    expect((await userinfo(a, tokens.access_token)).status).toBe(200);

    const replay = await exchange(a, code, verifier);
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ error: 'invalid_grant' });
    // The replay revoked the grant: both processes see it.
    expect((await userinfo(a, tokens.access_token)).status).toBe(401);
    expect((await userinfo(b, tokens.access_token)).status).toBe(401);
  });

  it('answers 503 with Retry-After while Redis is down and recovers by itself when it returns', async () => {
    await redis.kill();
    const down = await exchange(b, 'any-code-at-all', 'v'.repeat(43));
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await down.json()).toMatchObject({ error: 'temporarily_unavailable', request_id: down.headers.get('x-request-id') });

    redis = await startRedisServer(redisPort);
    const deadline = Date.now() + 10_000;
    let status = 0;
    while (Date.now() < deadline && status !== 400) {
      status = (await exchange(b, 'unknown-code', 'v'.repeat(43))).status;
      if (status !== 400) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // Back to a normal answer: an unknown code is invalid_grant again, no longer a 503.
    expect(status).toBe(400);
    const { code, verifier } = await codeFrom(a);
    const redeemed = await exchange(b, code, verifier);
    // The body in the comparison: a refusal here says which one.
    expect({ status: redeemed.status, body: redeemed.status === 200 ? 'tokens' : await redeemed.text() }).toEqual({ status: 200, body: 'tokens' });
  }, 30_000);
});
