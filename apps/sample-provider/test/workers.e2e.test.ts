import { execFileSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
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

const childrenOf = (pid: number): number[] => {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).split('\n').map(Number).filter(Boolean);
  } catch {
    return [];
  }
};

/** A POST on a connection of its own: node:cluster hands each new connection to the next worker. */
function postAlone(url: string, body: string, authorization: string): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent: false, headers: { 'content-type': 'application/x-www-form-urlencoded', authorization } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk) => (text += chunk)).on('end', () => resolve({ status: res.statusCode!, json: JSON.parse(text) as Record<string, unknown> }));
    });
    req.on('error', reject).end(body);
  });
}

// WORKERS=2: one port, two processes (node:cluster) over one PostgreSQL and one Redis, with the
// SECRET_KEY the primary generated: they must behave as one provider.
describeRequiring('the reference provider with WORKERS=2', requirement, () => {
  let db: TestDatabase;
  let redis: RedisServerProcess;
  let provider: ProviderProcess;
  const basic = `Basic ${Buffer.from(`es-client:${secretOf('es')}`).toString('base64')}`;

  beforeAll(async () => {
    db = await createPostgresDatabase(postgresUrl);
    const redisPort = await freePort();
    redis = await startRedisServer(redisPort);
    const dir = await mkdtemp(join(tmpdir(), 'gatehouse-workers-'));
    await writeFile(join(dir, 'seed.json'), JSON.stringify(seed));
    provider = await spawnProvider({ WORKERS: '2', DATABASE_URL: db.url, REDIS_URL: `redis://127.0.0.1:${redisPort}`, GATEHOUSE_SEED: join(dir, 'seed.json'), DATA_DIR: dir });
  }, 90_000);

  afterAll(async () => {
    await provider?.stop();
    await redis?.kill();
    await db?.drop();
  }, 30_000);

  it('serves from two worker processes', async () => {
    // The second worker may still be starting when the first prints its banner.
    const deadline = Date.now() + 20_000;
    while (childrenOf(provider.pid).length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(childrenOf(provider.pid)).toHaveLength(2);
  }, 30_000);

  it('issues and introspects machine tokens across workers, each on a new connection', async () => {
    const tokens = await Promise.all(Array.from({ length: 8 }, () => postAlone(`${provider.baseUrl}/application/o/token/`, 'grant_type=client_credentials&scope=profile', basic)));
    for (const { status } of tokens) expect(status).toBe(200);
    const answers = await Promise.all(tokens.map(({ json }) => postAlone(`${provider.baseUrl}/application/o/introspect/`, `token=${json['access_token'] as string}`, basic)));
    for (const { json } of answers) expect(json).toMatchObject({ active: true, client_id: 'es-client' });
  }, 30_000);

  it('redeems a code on another connection than the one that issued it, once', async () => {
    const { code, verifier } = await codeThroughBrowser(provider.baseUrl);
    const body = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: callback, code_verifier: verifier }).toString();
    const first = await postAlone(`${provider.baseUrl}/application/o/token/`, body, basic);
    expect(first.status).toBe(200);
    expect(first.json).toHaveProperty('id_token');
    const replay = await postAlone(`${provider.baseUrl}/application/o/token/`, body, basic);
    expect(replay).toMatchObject({ status: 400, json: { error: 'invalid_grant' } });
  }, 30_000);

  it('stops every worker on SIGTERM', async () => {
    const workers = childrenOf(provider.pid);
    await provider.stop();
    expect(await provider.exited).toBe(0);
    for (const pid of workers) expect(() => process.kill(pid, 0)).toThrow();
  }, 30_000);
});
