import { readdir, readFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundledMigrations, openPglite, prismaStores } from '@gatehouse/prisma-store';
import type { ApplicationView } from '../../src/admin/index.js';
import { startProvider } from '../provider-harness.js';
import { clientCredentials, gatehouseJson, runGatehouse } from './run-gatehouse.js';

type Created = ApplicationView & { readonly client_secret?: string };

/** Starts a provider on the PGlite database in `dataDir` (after the CLI closed it: PGlite serves one process), asks for a client_credentials token, stops. */
async function tokenStatusFromProviderOn(dataDir: string, secretKey: string, clientId: string, clientSecret: string): Promise<number> {
  const database = await openPglite(join(dataDir, 'pglite'));
  const provider = await startProvider({}, { stores: prismaStores(database.prisma, { secretKey }) });
  try {
    return (await clientCredentials(provider.baseUrl, clientId, clientSecret)).status;
  } finally {
    await provider.close();
    await database.close();
  }
}

describe('gatehouse CLI on the embedded PGlite in DATA_DIR', () => {
  const secretKey = 'cli-pglite-secret-key-0123456789abcdefghijkl';

  it('migrate applies the bundled migrations and reports them, then has nothing to apply', async () => {
    const env = { DATA_DIR: await mkdtemp(join(tmpdir(), 'gatehouse-cli-')), SECRET_KEY: secretKey };
    const bundled = (await readdir(bundledMigrations, { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
    expect(await gatehouseJson<{ applied: string[] }>(['migrate'], env)).toEqual({ applied: bundled });
    expect(await runGatehouse(['migrate'], env)).toEqual({ code: 0, stdout: 'Nothing to apply: the database is up to date.\n', stderr: '' });
  }, 60_000);

  it('creates an application (HS256: its secret encrypted with SECRET_KEY) that a provider on the same DATA_DIR accepts', async () => {
    const env = { DATA_DIR: await mkdtemp(join(tmpdir(), 'gatehouse-cli-')), SECRET_KEY: secretKey };
    const created = await gatehouseJson<Created>(['app', 'create', 'svc', '--client-id', 'svc-client'], env);
    expect(created).toMatchObject({ slug: 'svc', signing_key: null, has_client_secret: true });
    expect(await tokenStatusFromProviderOn(env.DATA_DIR, secretKey, 'svc-client', created.client_secret!)).toBe(200);
    expect(await tokenStatusFromProviderOn(env.DATA_DIR, secretKey, 'svc-client', 'not-the-secret')).toBe(401);
  }, 60_000);

  it('without SECRET_KEY, generates one into DATA_DIR (with a warning) that the server then uses too', async () => {
    const env = { DATA_DIR: await mkdtemp(join(tmpdir(), 'gatehouse-cli-')) };
    const run = await runGatehouse(['app', 'create', 'svc', '--json'], env);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('SECRET_KEY is not set: generated one and stored it in DATA_DIR');
    const generatedKey = (await readFile(join(env.DATA_DIR, 'secret-key'), 'utf8')).trim();
    const { client_secret: clientSecret } = JSON.parse(run.stdout) as Created;
    expect(await tokenStatusFromProviderOn(env.DATA_DIR, generatedKey, 'svc', clientSecret!)).toBe(200);
    // The next run reads the same key and warns no more.
    expect(await runGatehouse(['app', 'show', 'svc'], env)).toMatchObject({ code: 0, stderr: '' });
  }, 60_000);
});
