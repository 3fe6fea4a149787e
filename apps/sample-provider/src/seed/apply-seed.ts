import { readFile } from 'node:fs/promises';
import { hash, verify } from '@node-rs/argon2';
import { createApplication, createKeyRecord, digestToken, randomToken, stableId, type Application, type Clock, type KeyRecord, type Stores, type User } from '@gatehouse/core';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { seedSchema, type Seed, type SeedApplication } from './seed-schema.js';

/** What applying a seed did, for the start-up banner. */
export interface SeedSummary {
  readonly applications: readonly { readonly slug: string; readonly clientId: string; readonly generatedSecret?: string }[];
  readonly users: readonly string[];
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
  const keys = new Set(seed.keys.map((key) => key.name));
  const encryptionKeys = new Set(seed.keys.filter((key) => key.alg === 'RSA-OAEP-256').map((key) => key.name));
  const problems = [
    ...seed.users.flatMap((user) => user.groups.filter((g) => !groups.has(g)).map((g) => `user ${user.username}: unknown group ${g}`)),
    ...seed.applications.flatMap((app) => [
      ...app.allowed_groups.filter((g) => !groups.has(g)).map((g) => `application ${app.slug}: unknown group ${g}`),
      ...[app.signing_key, app.encryption_key].filter((k): k is string => k !== null && !keys.has(k)).map((k) => `application ${app.slug}: unknown key ${k}`),
      ...(app.signing_key !== null && encryptionKeys.has(app.signing_key) ? [`application ${app.slug}: signing_key ${app.signing_key} is an encryption key`] : []),
      ...(app.encryption_key !== null && keys.has(app.encryption_key) && !encryptionKeys.has(app.encryption_key)
        ? [`application ${app.slug}: encryption_key ${app.encryption_key} is a signing key`]
        : []),
      // HS256 needs a client secret to sign with; a public client has none.
      ...(app.signing_key === null && app.client_type === 'public' ? [`application ${app.slug}: a public client needs a signing_key`] : []),
    ]),
  ];
  if (problems.length > 0) throw new Error(`seed file is inconsistent:\n- ${problems.join('\n- ')}`);
}

async function passwordHash(password: string | undefined, existing: User | null): Promise<string | undefined> {
  if (password === undefined) return undefined;
  // Keep the stored hash when the password is unchanged: applying a seed twice changes nothing.
  if (existing?.passwordHash && (await verify(existing.passwordHash, password))) return existing.passwordHash;
  return hash(password);
}

function toApplication(app: SeedApplication, existing: Application | null, secret: string | null): Application {
  const isPublic = app.client_type === 'public';
  const method = app.token_endpoint_auth_method ?? (isPublic ? 'none' : 'client_secret_basic');
  return createApplication({
    id: existing?.id ?? stableId('application', app.slug),
    slug: app.slug,
    name: app.name,
    clientId: app.client_id,
    clientType: app.client_type,
    tokenEndpointAuthMethod: method,
    clientSecretDigest: secret === null ? null : digestToken(secret),
    // The secret itself is kept (encrypted at rest) only where it is an HMAC key.
    hmacSecret: secret !== null && (app.signing_key === null || method === 'client_secret_jwt') ? secret : null,
    redirectUris: app.redirect_uris.map((uri) => ({ matchingMode: uri.matching_mode, url: uri.url, type: uri.type })),
    scopes: app.scopes,
    signingKey: app.signing_key,
    encryptionKey: app.encryption_key,
    subMode: app.sub_mode,
    issuerMode: app.issuer_mode,
    includeClaimsInIdToken: app.include_claims_in_id_token,
    consent: app.consent,
    consentDurationSeconds: app.consent_duration,
    accessCodeValiditySeconds: app.access_code_validity,
    accessTokenValiditySeconds: app.access_token_validity,
    refreshTokenValiditySeconds: app.refresh_token_validity,
    deviceCodeValiditySeconds: app.device_code_validity,
    allowedGroups: app.allowed_groups,
    refreshTokenThresholdSeconds: app.refresh_token_threshold,
    jwks: app.jwks,
    jwksUri: app.jwks_uri,
    jwtFederationSources: app.jwt_federation_sources.map(({ jwks_uri, ...source }) => ({ ...source, ...(jwks_uri !== undefined ? { jwksUri: jwks_uri } : {}) })),
    jwtFederationProviders: app.jwt_federation_providers,
    backchannelLogoutUri: app.backchannel_logout_uri,
  });
}

/**
 * Applies a seed to the stores, idempotently: existing keys are kept unless the seed gives the
 * private key, unchanged passwords keep their hash, and a generated client secret is generated
 * only once (and reported so that it can be shown once).
 */
export async function applySeed(seed: Seed, stores: Stores, clock: Clock): Promise<SeedSummary> {
  checkReferences(seed);
  for (const key of seed.keys) {
    const versions = await stores.keys.findByName(key.name);
    // A generated key is generated once; a given private key becomes a new version when it changes.
    if (!key.private_jwk && versions.length > 0) continue;
    const record = await createKeyRecord({ name: key.name, alg: key.alg, privateJwk: key.private_jwk as KeyRecord['privateJwk'] | undefined, now: clock.now() });
    // Known, even retired: a retired key is never brought back by applying the seed again.
    if (await stores.keys.findByKid(record.kid)) continue;
    const newest = versions[0]?.createdAt ?? 0;
    await stores.keys.save({ ...record, createdAt: Math.max(record.createdAt, newest + 1) });
  }
  for (const user of seed.users) {
    const existing = await stores.users.findByUsername(user.username);
    const id = existing?.id ?? stableId('user', user.username);
    const passwordHashValue = await passwordHash(user.password, existing);
    await stores.users.save({
      id,
      uuid: existing?.uuid ?? id,
      username: user.username,
      name: user.name,
      email: user.email,
      emailVerified: user.email_verified,
      groups: user.groups,
      attributes: user.attributes,
      isActive: user.is_active,
      type: user.type,
      ...(passwordHashValue !== undefined ? { passwordHash: passwordHashValue } : {}),
    });
    for (const appPassword of user.app_passwords) {
      await stores.appPasswords.save({
        id: stableId('app-password', `${user.username}\u0000${appPassword.name}`),
        userId: id,
        name: appPassword.name,
        tokenDigest: digestToken(appPassword.token),
        expiresAt: appPassword.expires_at,
      });
    }
  }
  const applications: SeedSummary['applications'][number][] = [];
  for (const app of seed.applications) {
    const existing = await stores.applications.findBySlug(app.slug);
    let secret: string | null = null;
    let generatedSecret: string | undefined;
    if (app.client_type === 'confidential') {
      secret = app.client_secret ?? existing?.hmacSecret ?? null;
      if (secret === null && !existing?.clientSecretDigest) secret = generatedSecret = randomToken(32);
    }
    const application = toApplication(app, existing, secret);
    // A generated secret that is not kept in clear (signing key set) survives as its digest only.
    await stores.applications.save(
      secret === null && existing?.clientSecretDigest ? { ...application, clientSecretDigest: existing.clientSecretDigest } : application,
    );
    applications.push({ slug: app.slug, clientId: app.client_id, ...(generatedSecret ? { generatedSecret } : {}) });
  }
  return { applications, users: seed.users.map((user) => user.username) };
}
