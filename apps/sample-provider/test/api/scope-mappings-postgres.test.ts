// Stored scope mappings shared through PostgreSQL: a change made through one provider instance (or
// by the CLI's `seed apply`) reaches another instance on the same database after its
// storeCacheSeconds, without a restart.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeRequiring, serviceAt } from '@gatehouse/core/testing';
import { prismaStores } from '@gatehouse/prisma-store';
import { createPostgresDatabase, type TestDatabase } from '@gatehouse/prisma-store/testing';
import { postgresUrl } from '../backend-e2e.js';
import { runGatehouse } from '../cli/run-gatehouse.js';
import { startProvider, type RunningProvider } from '../provider-harness.js';
import { accessToken, admin, apiAs, apiSeed } from './api.fixtures.js';

const secretKey = 'scope-mappings-postgres-secret-key-0123456789';
// Long enough that a slow machine never reaches it by itself between two steps.
const cacheSeconds = 30;
// The console application may ask for `department` before any mapping for it exists.
const seed = { ...apiSeed, applications: apiSeed.applications.map((application) => ({ ...application, scopes: [...application.scopes, 'department'] })) };

describeRequiring('stored scope mappings across provider instances on PostgreSQL', serviceAt(postgresUrl), () => {
  let db: TestDatabase;
  let first: RunningProvider;
  let second: RunningProvider;
  let api: ReturnType<typeof apiAs>;
  // The second instance's clock, to move it past its storeCacheSeconds.
  let skewSeconds = 0;
  const clock = { now: () => Math.floor(Date.now() / 1000) + skewSeconds };

  beforeAll(async () => {
    db = await createPostgresDatabase(postgresUrl);
    first = await startProvider(seed, { stores: prismaStores(db.database.prisma, { secretKey }) });
    // Behind the same public URL, as behind a load balancer: each accepts the other's tokens.
    second = await startProvider(seed, { stores: prismaStores(db.database.prisma, { secretKey }) }, { clock, storeCacheSeconds: cacheSeconds, publicUrl: first.publicUrl });
    api = apiAs(first.baseUrl, { token: await accessToken(first.baseUrl, admin, 'gatehouse:api') });
  }, 60_000);
  afterAll(async () => {
    await second?.close();
    await first?.close();
    await db?.drop();
  });

  const userinfo = async (provider: RunningProvider, token: string) =>
    (await (await fetch(`${provider.baseUrl}/application/o/userinfo/`, { headers: { authorization: `Bearer ${token}` } })).json()) as Record<string, unknown>;
  /** How many userinfo requests until `provider` answers `expected` (the request that notices the cache expired still uses the old mappings). */
  async function eventually(provider: RunningProvider, token: string, expected: Record<string, unknown>): Promise<number> {
    for (let request = 1; request <= 30; request++) {
      const claims = await userinfo(provider, token);
      if (JSON.stringify({ ...claims, sub: undefined }) === JSON.stringify({ ...expected, sub: undefined })) return request;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`userinfo never became ${JSON.stringify(expected)}: ${JSON.stringify(await userinfo(provider, token))}`);
  }

  it('a mapping created, changed and deleted through one instance reaches the other after its storeCacheSeconds', async () => {
    const token = await accessToken(second.baseUrl, admin, 'openid department');
    expect(Object.keys(await userinfo(second, token))).toEqual(['sub']);

    await api('POST', '/api/v1/scope-mappings', { body: { scope: 'department', description: 'Your login', claims: { login: 'user.username' } } });
    expect(await userinfo(first, token)).toMatchObject({ login: 'ada' });
    // Within its cache time the other instance still answers from the mappings it read.
    expect(Object.keys(await userinfo(second, token))).toEqual(['sub']);
    skewSeconds += cacheSeconds;
    expect(await eventually(second, token, { login: 'ada' })).toBeLessThanOrEqual(3);

    await api('PUT', '/api/v1/scope-mappings/department', { body: { description: 'Your name', claims: { full_name: 'user.name' } } });
    expect(await userinfo(second, token)).toMatchObject({ login: 'ada' });
    skewSeconds += cacheSeconds;
    expect(await eventually(second, token, { full_name: 'Ada Lovelace' })).toBeLessThanOrEqual(3);

    await api('DELETE', '/api/v1/scope-mappings/department');
    skewSeconds += cacheSeconds;
    expect(await eventually(second, token, {})).toBeLessThanOrEqual(3);
  });

  it('the CLI’s seed apply stores the seed’s scope mappings, and running instances use them', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'gatehouse-scopes-'));
    const seedFile = join(dataDir, 'seed.json');
    await writeFile(seedFile, JSON.stringify({ scope_mappings: [{ scope: 'department', description: 'Your groups', claims: { teams: 'user.groups' } }] }));
    const run = await runGatehouse(['seed', 'apply', seedFile], { DATABASE_URL: db.url, SECRET_KEY: secretKey, DATA_DIR: dataDir });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('[1/1] scope mapping department');
    expect(run.stdout).toContain('1 scope mappings');

    const token = await accessToken(first.baseUrl, admin, 'openid department');
    // The first instance has no store cache, yet reads stored mappings at most once a second.
    await eventually(first, token, { teams: ['admins', 'staff'] });
    skewSeconds += cacheSeconds;
    expect(await eventually(second, token, { teams: ['admins', 'staff'] })).toBeLessThanOrEqual(3);
    expect((await api('GET', '/api/v1/scope-mappings/department')).body).toMatchObject({ source: 'stored', claim_paths: { teams: 'user.groups' } });
  });
});
