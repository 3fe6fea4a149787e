import { readFile } from 'node:fs/promises';
import { createKeyRecord, reservedScopes, stableId, type Clock, type KeyRecord, type Stores } from '@gatehouse/core';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { applicationProblems } from '../admin/application-problems.js';
import { putApplication } from '../admin/put-application.js';
import { putScopeMapping } from '../admin/put-scope-mapping.js';
import { putUser } from '../admin/put-user.js';
import { saveAppPassword } from '../admin/save-app-password.js';
import { seedSchema, type Seed } from './seed-schema.js';

/** What applying a seed did, for the start-up banner. */
export interface SeedSummary {
  readonly applications: readonly { readonly slug: string; readonly clientId: string; readonly generatedSecret?: string }[];
  readonly users: readonly string[];
  /** The scopes of the seed's scope mappings, now stored. */
  readonly scopeMappings: readonly string[];
}

/** Reads a YAML or JSON seed file and checks it against the seed contract. */
export async function readSeedFile(path: string): Promise<Seed> {
  const text = await readFile(path, 'utf8');
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new Error(`seed file ${path} is neither YAML nor JSON: ${(error as Error).message}`);
  }
  const result = seedSchema.safeParse(raw ?? {});
  if (!result.success) throw new Error(`seed file ${path} is invalid:\n${z.prettifyError(result.error)}`);
  return result.data;
}

function checkReferences(seed: Seed): void {
  const groups = new Set(seed.groups.map((group) => group.name));
  const keyUses = new Map(seed.keys.map((key) => [key.name, key.alg === 'RSA-OAEP-256' ? ('enc' as const) : ('sig' as const)]));
  const problems = [
    ...seed.scope_mappings.filter((mapping) => reservedScopes.has(mapping.scope)).map((mapping) => `scope mapping ${mapping.scope}: built in, it cannot be replaced`),
    ...seed.users.flatMap((user) => user.groups.filter((g) => !groups.has(g)).map((g) => `user ${user.username}: unknown group ${g}`)),
    ...seed.applications.flatMap((app) => [
      ...app.allowed_groups.filter((g) => !groups.has(g)).map((g) => `application ${app.slug}: unknown group ${g}`),
      ...applicationProblems(app, (name) => keyUses.get(name)).map((problem) => `application ${app.slug}: ${problem}`),
    ]),
  ];
  if (problems.length > 0) throw new Error(`seed file is inconsistent:\n- ${problems.join('\n- ')}`);
}

// A generated key is generated once; a given private key becomes a new version when it changes.
async function applyKey(key: Seed['keys'][number], stores: Stores, clock: Clock): Promise<void> {
  const versions = await stores.keys.findByName(key.name);
  if (!key.private_jwk && versions.length > 0) return;
  const record = await createKeyRecord({ name: key.name, alg: key.alg, privateJwk: key.private_jwk as KeyRecord['privateJwk'] | undefined, now: clock.now() });
  // Known, even retired: a retired key is never brought back by applying the seed again.
  if (await stores.keys.findByKid(record.kid)) return;
  const newest = versions[0]?.createdAt ?? 0;
  await stores.keys.save({ ...record, createdAt: Math.max(record.createdAt, newest + 1) });
}

/** Reported after each key, scope mapping, user and application of a seed, for progress output. */
export interface SeedProgress {
  readonly done: number;
  readonly total: number;
  /** What was just applied, e.g. `user alice`. */
  readonly item: string;
}

/**
 * Applies a seed to the stores, idempotently: existing keys are kept unless the seed gives the
 * private key, unchanged passwords keep their hash and unchanged scope mappings their `updatedAt`,
 * and a generated client secret is generated only once (and reported so that it can be shown once).
 * Scope mappings left out of a later seed stay stored (delete them through the management API). Users and applications are saved by the
 * same operations as the CLI's and the management API's.
 */
export async function applySeed(seed: Seed, stores: Stores, clock: Clock, onProgress?: (progress: SeedProgress) => void): Promise<SeedSummary> {
  checkReferences(seed);
  const total = seed.keys.length + seed.scope_mappings.length + seed.users.length + seed.applications.length;
  let done = 0;
  for (const key of seed.keys) {
    await applyKey(key, stores, clock);
    onProgress?.({ done: ++done, total, item: `key ${key.name}` });
  }
  for (const mapping of seed.scope_mappings) {
    await putScopeMapping(stores, mapping, clock.now());
    onProgress?.({ done: ++done, total, item: `scope mapping ${mapping.scope}` });
  }
  for (const user of seed.users) {
    const existing = await stores.users.findByUsername(user.username);
    const saved = await putUser(stores, user, existing?.id ?? stableId('user', user.username), existing);
    for (const { token, ...appPassword } of user.app_passwords) await saveAppPassword(stores, saved, appPassword, token);
    onProgress?.({ done: ++done, total, item: `user ${user.username}` });
  }
  const applications: SeedSummary['applications'][number][] = [];
  for (const app of seed.applications) {
    const existing = await stores.applications.findBySlug(app.slug);
    const { generatedSecret } = await putApplication(stores, app, existing?.id ?? stableId('application', app.slug), existing);
    applications.push({ slug: app.slug, clientId: app.client_id, ...(generatedSecret ? { generatedSecret } : {}) });
    onProgress?.({ done: ++done, total, item: `application ${app.slug}` });
  }
  return { applications, users: seed.users.map((user) => user.username), scopeMappings: seed.scope_mappings.map((mapping) => mapping.scope) };
}
