import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryStores, systemClock } from '@gatehouse/core';
import { manualClock } from '@gatehouse/core/testing';
import { readEnv } from '../src/env.js';
import { applySeed, readSeedFile } from '../src/seed/apply-seed.js';
import { seedSchema } from '../src/seed/seed-schema.js';

const yamlSeed = `
groups: [{ name: staff }]
users:
  - { username: bob, password: "Bob-Password-1", name: Bob, email: bob@example.com, groups: [staff] }
keys:
  - { name: default, alg: ES256 }
applications:
  - slug: portal
    name: Portal
    client_id: portal
    redirect_uris:
      - { matching_mode: regex, url: "https://.*\\\\.example\\\\.com/cb" }
    signing_key: default
`;

async function writeTemp(name: string, content: string): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'gatehouse-seed-')), name);
  await writeFile(path, content);
  return path;
}

describe('seed file', () => {
  it('reads YAML and applies it twice without changing anything', async () => {
    const seed = await readSeedFile(await writeTemp('seed.yaml', yamlSeed));
    const stores = memoryStores();
    const first = await applySeed(seed, stores, systemClock);
    const after = { app: await stores.applications.findBySlug('portal'), user: await stores.users.findByUsername('bob'), keys: await stores.keys.list() };
    const second = await applySeed(seed, stores, systemClock);

    expect(first.applications[0]!.generatedSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(second.applications[0]!.generatedSecret).toBeUndefined();
    expect(await stores.applications.findBySlug('portal')).toEqual(after.app);
    expect(await stores.users.findByUsername('bob')).toEqual(after.user);
    expect(await stores.keys.list()).toEqual(after.keys);
    expect(after.app).toMatchObject({ clientType: 'confidential', hmacSecret: null, redirectUris: [{ matchingMode: 'regex', url: 'https://.*\\.example\\.com/cb', type: 'authorization' }] });
    expect(after.user!.passwordHash).toMatch(/^\$argon2id\$/);
  });

  it('reads JSON too', async () => {
    const seed = await readSeedFile(await writeTemp('seed.json', JSON.stringify({ users: [{ username: 'carol' }] })));
    expect(seed.users[0]).toMatchObject({ username: 'carol', is_active: true, groups: [] });
  });

  it.each([
    ['an unknown group', { users: [{ username: 'x', groups: ['nope'] }] }, 'user x: unknown group nope'],
    ['an unknown signing key', { applications: [{ slug: 'a', name: 'A', client_id: 'a', signing_key: 'missing' }] }, 'application a: unknown key missing'],
    ['an encryption key to sign with', { keys: [{ name: 'enc', alg: 'RSA-OAEP-256' }], applications: [{ slug: 'a', name: 'A', client_id: 'a', signing_key: 'enc' }] }, 'application a: signing_key enc is an encryption key'],
    ['a signing key to encrypt with', { keys: [{ name: 'sig', alg: 'ES256' }], applications: [{ slug: 'a', name: 'A', client_id: 'a', signing_key: 'sig', encryption_key: 'sig' }] }, 'application a: encryption_key sig is a signing key'],
    ['a public client without a signing key', { applications: [{ slug: 'a', name: 'A', client_id: 'a', client_type: 'public' }] }, 'application a: a public client needs a signing_key'],
    ['a scope mapping replacing openid', { scope_mappings: [{ scope: 'openid', description: 'Mine', claims: {} }] }, 'scope mapping openid: built in, it cannot be replaced'],
  ])('refuses a seed with %s, naming it', async (_name, raw, message) => {
    await expect(applySeed(seedSchema.parse(raw), memoryStores(), systemClock)).rejects.toThrow(message);
  });

  it('stores its scope mappings, and applied again changes none that stayed the same', async () => {
    const stores = memoryStores();
    const clock = manualClock();
    const roles = { scope: 'roles', description: 'Your groups', claims: { roles: 'user.groups' } };
    const team = { scope: 'team', description: 'Your team', claims: { team: 'user.attributes.team' } };
    await applySeed(seedSchema.parse({ scope_mappings: [roles, team] }), stores, clock);
    clock.advance(60);
    const changedTeam = { ...team, description: 'Your team, again' };
    await applySeed(seedSchema.parse({ scope_mappings: [roles, changedTeam] }), stores, clock);
    expect(await stores.scopeMappings.list()).toEqual([
      { ...roles, updatedAt: clock.now() - 60 },
      { ...changedTeam, updatedAt: clock.now() },
    ]);
  });

  it('names the claim path of a scope mapping that the server could not read', async () => {
    const path = await writeTemp('bad.json', JSON.stringify({ scope_mappings: [{ scope: 'secret', description: 'x', claims: { hash: 'user.passwordHash' } }] }));
    await expect(readSeedFile(path)).rejects.toThrow(/scope_mappings\[0\]\.claims\.hash|scope_mappings\.0\.claims\.hash/);
  });

  it('names the field of an invalid seed', async () => {
    const path = await writeTemp('bad.json', JSON.stringify({ applications: [{ slug: 'Bad Slug', name: 'x', client_id: 'x' }] }));
    await expect(readSeedFile(path)).rejects.toThrow(/applications\[0\]\.slug|applications\.0\.slug/);
  });
});

describe('environment', () => {
  it('applies the documented defaults', () => {
    expect(readEnv({})).toMatchObject({ PORT: 9000, PUBLIC_URL: 'http://localhost:9000', DATA_DIR: './.data', LOG_LEVEL: 'info', STORE_CACHE_SECONDS: 5 });
  });
  it('derives PUBLIC_URL from PORT and strips a trailing slash', () => {
    expect(readEnv({ PORT: '9100' }).PUBLIC_URL).toBe('http://localhost:9100');
    expect(readEnv({ PUBLIC_URL: 'https://id.example.com/' }).PUBLIC_URL).toBe('https://id.example.com');
  });
  it('refuses a short SECRET_KEY with a message naming it', () => {
    expect(() => readEnv({ SECRET_KEY: 'short' })).toThrow(/SECRET_KEY/);
  });
  it('runs one process by default, and more only over PostgreSQL and Redis', () => {
    expect(readEnv({}).WORKERS).toBe(1);
    expect(() => readEnv({ WORKERS: '2' })).toThrow(/WORKERS above 1 needs DATABASE_URL and REDIS_URL/);
    expect(() => readEnv({ WORKERS: '2', DATABASE_URL: 'postgresql://db/x' })).toThrow(/WORKERS/);
    expect(() => readEnv({ WORKERS: '2', DATABASE_URL: 'postgresql://db/x', REDIS_URL: 'redis://r', GATEHOUSE_STORAGE: 'memory' })).toThrow(/WORKERS/);
    expect(readEnv({ WORKERS: '4', DATABASE_URL: 'postgresql://db/x', REDIS_URL: 'redis://r' }).WORKERS).toBe(4);
    expect(() => readEnv({ WORKERS: '0' })).toThrow(/WORKERS/);
  });
});
