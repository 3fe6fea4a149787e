// Discovery advertises exactly what the application supports (behaviour spec §1.7, issue 4):
// its scopes, the claims its mappings can produce, its signing algorithm, encryption values only
// when it encrypts, and the configured acr.
import { createKeyRecord, declarativeScopeMapping, type KeyRecord, type SigningAlgorithm } from '@gatehouse/core';
import { decodeProtectedHeader } from 'jose';
import { customClient, get, jsonOf, obtainTokens, startTestServer, type Json, type TestServer } from '../fixtures.js';

const standardClaims = ['iss', 'sub', 'aud', 'exp', 'iat', 'auth_time', 'acr', 'amr', 'nonce', 'azp', 'sid', 'jti', 'at_hash'];
const profileClaims = ['name', 'given_name', 'family_name', 'preferred_username', 'nickname', 'groups'];
const emailClaims = ['email', 'email_verified'];

const signingAlgorithms: readonly SigningAlgorithm[] = ['RS256', 'ES256', 'ES384', 'ES512', 'EdDSA'];
const signing = Object.fromEntries(
  signingAlgorithms.map((alg) => [alg, customClient(`disc-${alg.toLowerCase()}`, { signingKey: `key-${alg}`, scopes: ['openid'] })]),
);
const hs256 = customClient('disc-hs256', { signingKey: null, hmacSecret: 'disc-hs256-secret-long-enough-for-hmac', scopes: ['openid'] });
const encrypted = customClient('disc-encrypted', { encryptionKey: 'enc' });
const noOpenid = customClient('disc-no-openid', { scopes: ['profile', 'email'] });
const standard = customClient('disc-standard', { scopes: ['openid', 'profile', 'email', 'offline_access'] });
const custom = customClient('disc-custom', { scopes: ['openid', 'entitlements', 'department', 'named', 'unnamed', 'gatehouse:api'] });

let t: TestServer;
beforeAll(async () => {
  const now = Math.floor(Date.now() / 1000);
  const keys: KeyRecord[] = [];
  for (const alg of signingAlgorithms) keys.push(await createKeyRecord({ name: `key-${alg}`, alg, now }));
  keys.push(await createKeyRecord({ name: 'enc', alg: 'RSA-OAEP-256', now }));
  t = await startTestServer({
    applications: [...Object.values(signing), hs256, encrypted, noOpenid, standard, custom].map(({ application }) => application),
    keys,
    scopeMappings: [
      declarativeScopeMapping('department', 'Your department', { department: 'user.attributes.department', cost_center: 'user.attributes.cost_center' }),
      { scope: 'named', description: 'Declares its claims', claimNames: ['named_claim'], claims: () => ({ named_claim: 1 }) },
      { scope: 'unnamed', description: 'Declares nothing', claims: () => ({ unnamed_claim: 1 }) },
    ],
  });
});
afterAll(() => t.close());

async function discoveryOf(server: TestServer, slug: string): Promise<Json> {
  const res = await get(server, `/application/o/${slug}/.well-known/openid-configuration`);
  expect(res.status).toBe(200);
  return jsonOf(res);
}

/** Exactly these values, each once, in any order. */
function expectExactly(actual: unknown, expected: readonly string[]): void {
  expect(Array.isArray(actual)).toBe(true);
  const values = actual as string[];
  expect(new Set(values).size).toBe(values.length);
  expect([...values].sort()).toEqual([...expected].sort());
}

describe('scopes_supported', () => {
  it('is openid and the scopes of the application', async () => {
    expectExactly((await discoveryOf(t, 'disc-standard'))['scopes_supported'], ['openid', 'profile', 'email', 'offline_access']);
    expectExactly((await discoveryOf(t, 'disc-custom'))['scopes_supported'], ['openid', 'entitlements', 'department', 'named', 'unnamed', 'gatehouse:api']);
  });

  it('always lists openid, even when the application does not have it', async () => {
    expectExactly((await discoveryOf(t, 'disc-no-openid'))['scopes_supported'], ['openid', 'profile', 'email']);
  });
});

describe('claims_supported', () => {
  it('is the standard claims and the claims of the built-in mappings of the application', async () => {
    expectExactly((await discoveryOf(t, 'disc-standard'))['claims_supported'], [...standardClaims, ...profileClaims, ...emailClaims]);
  });

  it('is only the standard claims for an application with openid alone', async () => {
    expectExactly((await discoveryOf(t, 'disc-es256'))['claims_supported'], standardClaims);
  });

  it('adds the claimNames of custom and declarative mappings, and nothing for a mapping that declares none', async () => {
    expectExactly((await discoveryOf(t, 'disc-custom'))['claims_supported'], [
      ...standardClaims,
      'entitlements',
      'roles',
      'department',
      'cost_center',
      'named_claim',
    ]);
  });

  it('follows a custom mapping that replaces a built-in one', async () => {
    const { application } = customClient('disc-replaced', { scopes: ['openid', 'profile'] });
    const replaced = await startTestServer({
      applications: [application],
      scopeMappings: [{ scope: 'profile', description: 'Display name', claimNames: ['display_name'], claims: (user) => ({ display_name: user.name }) }],
    });
    try {
      expectExactly((await discoveryOf(replaced, 'disc-replaced'))['claims_supported'], [...standardClaims, 'display_name']);
    } finally {
      await replaced.close();
    }
  });
});

describe('id_token_signing_alg_values_supported', () => {
  it.each(signingAlgorithms)('is [%s] for an application with a key of that algorithm, which signs its ID tokens', async (alg) => {
    const { client } = signing[alg]!;
    const slug = `disc-${alg.toLowerCase()}`;
    expect((await discoveryOf(t, slug))['id_token_signing_alg_values_supported']).toEqual([alg]);
    const tokens = await obtainTokens(t, client, { scope: 'openid' });
    expect(decodeProtectedHeader(tokens.id_token!).alg).toBe(alg);
  });

  it('is [HS256] for an application without a signing key', async () => {
    expect((await discoveryOf(t, 'disc-hs256'))['id_token_signing_alg_values_supported']).toEqual(['HS256']);
    const tokens = await obtainTokens(t, hs256.client, { scope: 'openid' });
    expect(decodeProtectedHeader(tokens.id_token!).alg).toBe('HS256');
  });
});

describe('encryption values', () => {
  const encryptionFields = (metadata: Json) => Object.keys(metadata).filter((name) => name.includes('encryption')).sort();

  it('are RSA-OAEP-256 and A256CBC-HS512 for an application with an encryption key, whose ID tokens are JWEs', async () => {
    const metadata = await discoveryOf(t, 'disc-encrypted');
    expect(encryptionFields(metadata)).toEqual(['id_token_encryption_alg_values_supported', 'id_token_encryption_enc_values_supported']);
    expect(metadata['id_token_encryption_alg_values_supported']).toEqual(['RSA-OAEP-256']);
    expect(metadata['id_token_encryption_enc_values_supported']).toEqual(['A256CBC-HS512']);
    const tokens = await obtainTokens(t, encrypted.client, { scope: 'openid' });
    expect(tokens.id_token!.split('.')).toHaveLength(5);
    expect(decodeProtectedHeader(tokens.id_token!)).toMatchObject({ alg: 'RSA-OAEP-256', enc: 'A256CBC-HS512' });
  });

  it('are absent for an application without an encryption key', async () => {
    for (const slug of ['disc-standard', 'disc-hs256', 'disc-rs256']) expect(encryptionFields(await discoveryOf(t, slug))).toEqual([]);
  });
});

describe('acr_values_supported', () => {
  it('is the default acr', async () => {
    expect((await discoveryOf(t, 'disc-standard'))['acr_values_supported']).toEqual(['urn:gatehouse:acr:default']);
  });

  it('is the configured acr', async () => {
    const { application } = customClient('disc-acr');
    const configured = await startTestServer({ applications: [application], settings: { acr: 'urn:example:loa:2' } });
    try {
      expect((await discoveryOf(configured, 'disc-acr'))['acr_values_supported']).toEqual(['urn:example:loa:2']);
    } finally {
      await configured.close();
    }
  });
});
