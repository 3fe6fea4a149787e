// Issue 5 end to end, with openid-client v6 against the reference provider: refresh with rotation,
// the grace window and reuse revocation; client_credentials with the application secret;
// private_key_jwt and client_secret_jwt at the code exchange and at client_credentials; app
// passwords from the seed file with username/password (plain fetch).
import { webcrypto } from 'node:crypto';
import * as client from 'openid-client';
import type { Clock } from '@gatehouse/core';
import { codeFlow, clientFor, secretOf, seedApplication, userinfoStatus } from './oidc-flow.js';
import { startProvider, type RunningProvider } from './provider-harness.js';

const alice = { username: 'alice', password: 'Alice-Password-42!' };
const appPasswords = {
  bot: 'deploy-bot-app-password-0123456789',
  alice: 'alice-laptop-app-password-0123456789',
  expired: 'deploy-bot-expired-password-0123456789',
};
const offline = 'openid profile email offline_access';

/** The provider's clock: the system clock plus `skew`, so a test can step past the grace window without waiting. */
let skew = 0;
const clock: Clock = { now: () => Math.floor(Date.now() / 1000) + skew };

let keyPair: webcrypto.CryptoKeyPair;
let unregisteredKey: webcrypto.CryptoKeyPair;
const kid = 'pkjwt-key-1';
let provider: RunningProvider;

beforeAll(async () => {
  const ecdsa = { name: 'ECDSA', namedCurve: 'P-256' } as const;
  keyPair = await crypto.subtle.generateKey(ecdsa, true, ['sign', 'verify']);
  unregisteredKey = await crypto.subtle.generateKey(ecdsa, true, ['sign', 'verify']);
  const publicJwk = { ...(await crypto.subtle.exportKey('jwk', keyPair.publicKey)), kid, alg: 'ES256', use: 'sig' };
  delete publicJwk.key_ops;
  delete publicJwk.ext;
  const seed = {
    users: [
      {
        ...alice,
        name: 'Alice Liddell',
        email: 'alice@example.com',
        email_verified: true,
        app_passwords: [{ name: 'laptop', token: appPasswords.alice }],
      },
      {
        username: 'deploy-bot',
        name: 'Deploy bot',
        type: 'service_account',
        app_passwords: [
          { name: 'ci', token: appPasswords.bot },
          { name: 'old', token: appPasswords.expired, expires_at: 1_000_000_000 },
        ],
      },
    ],
    keys: [{ name: 'ec', alg: 'ES256' }],
    applications: [
      seedApplication('rt', { signing_key: 'ec', scopes: ['openid', 'profile', 'email', 'offline_access'] }),
      seedApplication('m2m', { signing_key: 'ec' }),
      seedApplication('pkjwt', { signing_key: 'ec', token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [publicJwk] } }),
      seedApplication('csjwt', { signing_key: 'ec', token_endpoint_auth_method: 'client_secret_jwt' }),
    ],
  };
  provider = await startProvider(seed, {}, { clock });
});
afterAll(() => provider.close());
beforeEach(() => {
  skew = 0;
});

const issuerOf = (slug: string) => new URL(`${provider.baseUrl}/application/o/${slug}/`);
const discover = (slug: string, auth: client.ClientAuth) =>
  client.discovery(issuerOf(slug), `${slug}-client`, undefined, auth, { execute: [client.allowInsecureRequests] });

/** The claims userinfo answers for `accessToken` (must be 200). */
async function userinfoOf(accessToken: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${provider.baseUrl}/application/o/userinfo/`, { headers: { authorization: `Bearer ${accessToken}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

describe('refresh tokens (client.refreshTokenGrant)', () => {
  it('rotates the refresh token; the new access token works; the grace window answers the same successor; later reuse revokes the grant', async () => {
    const config = await clientFor(provider.baseUrl, 'rt');
    const { tokens } = await codeFlow(config, alice, offline);
    expect(tokens.refresh_token).toEqual(expect.any(String));
    const original = tokens.claims()!;

    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.refresh_token).toEqual(expect.any(String));
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    expect(refreshed.scope).toBe(offline);
    const claims = refreshed.claims()!;
    expect(claims).toMatchObject({ sub: original.sub, auth_time: original.auth_time, aud: 'rt-client', iss: issuerOf('rt').href });
    expect(claims.nonce).toBeUndefined();
    const info = await client.fetchUserInfo(config, refreshed.access_token, original.sub);
    expect(info).toMatchObject({ sub: original.sub, preferred_username: 'alice', email: 'alice@example.com' });

    // A concurrent retry with the old token (within the 5 s grace window) gets the same successor.
    const retry = await client.refreshTokenGrant(config, tokens.refresh_token!);
    expect(retry.refresh_token).toBe(refreshed.refresh_token);

    // Ten seconds later the old token is a replay: refused, and the grant is revoked.
    skew = 10;
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ name: 'ResponseBodyError', status: 400, error: 'invalid_grant' });
    for (const accessToken of [tokens.access_token, refreshed.access_token, retry.access_token]) {
      expect(await userinfoStatus(provider.baseUrl, accessToken)).toEqual({ status: 401, challenge: expect.stringMatching(/^Bearer realm="gatehouse", error="invalid_token"/) });
    }
    await expect(client.refreshTokenGrant(config, refreshed.refresh_token!)).rejects.toMatchObject({ status: 400, error: 'invalid_grant' });
  });

  it('narrows the scope of the new access token when asked, and keeps the grant’s scope for the next refresh', async () => {
    const config = await clientFor(provider.baseUrl, 'rt');
    const { tokens } = await codeFlow(config, alice, offline);
    const narrowed = await client.refreshTokenGrant(config, tokens.refresh_token!, { scope: 'openid profile' });
    expect(narrowed.scope).toBe('openid profile');
    const info = await userinfoOf(narrowed.access_token);
    expect(info['preferred_username']).toBe('alice');
    expect(info['email']).toBeUndefined();
    const full = await client.refreshTokenGrant(config, narrowed.refresh_token!);
    expect(full.scope).toBe(offline);
    expect((await userinfoOf(full.access_token))['email']).toBe('alice@example.com');
    await expect(client.refreshTokenGrant(config, full.refresh_token!, { scope: 'openid groups' })).rejects.toMatchObject({ status: 400, error: 'invalid_scope' });
  });

  it('issues no refresh token without offline_access', async () => {
    const config = await clientFor(provider.baseUrl, 'rt');
    const { tokens } = await codeFlow(config, alice, 'openid profile');
    expect(tokens.refresh_token).toBeUndefined();
  });
});

describe('client_credentials (client.clientCredentialsGrant)', () => {
  it('issues tokens for the application’s service account with the client secret (Basic and post), never a refresh token', async () => {
    for (const auth of [client.ClientSecretBasic(secretOf('m2m')), client.ClientSecretPost(secretOf('m2m'))]) {
      const config = await discover('m2m', auth);
      const tokens = await client.clientCredentialsGrant(config, { scope: 'openid profile offline_access' });
      expect(tokens.refresh_token).toBeUndefined();
      expect(tokens.scope).toBe('openid profile');
      expect(tokens.token_type.toLowerCase()).toBe('bearer');
      expect(tokens.expires_in).toBe(3600);
      expect((await userinfoOf(tokens.access_token))['preferred_username']).toBe('gatehouse-m2m-client_credentials');
    }
    const account = await provider.stores.users.findByUsername('gatehouse-m2m-client_credentials');
    expect(account).toMatchObject({ type: 'service_account', isActive: true, attributes: { 'gatehouse.io/user/generated': true } });
  });

  it('grants an empty scope when none is asked for', async () => {
    const config = await discover('m2m', client.ClientSecretBasic(secretOf('m2m')));
    const tokens = await client.clientCredentialsGrant(config);
    expect(tokens.scope).toBe('');
    expect(tokens.id_token).toBeUndefined();
  });

  it('refuses a wrong secret by Basic with 401 invalid_client and a challenge', async () => {
    const config = await discover('m2m', client.ClientSecretBasic('not-the-secret'));
    const error = await client.clientCredentialsGrant(config, { scope: 'openid' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'WWWAuthenticateChallengeError', status: 401 });
    expect((error as client.WWWAuthenticateChallengeError).cause).toEqual([
      { scheme: 'basic', parameters: { realm: 'gatehouse', charset: 'UTF-8' } },
    ]);
  });
});

describe('private_key_jwt (client.PrivateKeyJwt)', () => {
  it('authenticates the code exchange and client_credentials with the registered key', async () => {
    const config = await discover('pkjwt', client.PrivateKeyJwt({ key: keyPair.privateKey, kid }));
    client.enableNonRepudiationChecks(config);
    const { tokens } = await codeFlow(config, alice, 'openid profile email');
    expect(tokens.claims()).toMatchObject({ aud: 'pkjwt-client', preferred_username: 'alice' });
    expect((await userinfoOf(tokens.access_token))['email']).toBe('alice@example.com');

    const machine = await client.clientCredentialsGrant(config, { scope: 'openid profile' });
    expect(machine.refresh_token).toBeUndefined();
    expect((await userinfoOf(machine.access_token))['preferred_username']).toBe('gatehouse-pkjwt-client_credentials');
  });

  it('authenticates with the key when the assertion carries no kid', async () => {
    const config = await discover('pkjwt', client.PrivateKeyJwt(keyPair.privateKey));
    const machine = await client.clientCredentialsGrant(config, { scope: 'openid' });
    expect(machine.scope).toBe('openid');
  });

  it('refuses an unregistered key and the (generated) client secret with 401 invalid_client', async () => {
    const forged = await discover('pkjwt', client.PrivateKeyJwt({ key: unregisteredKey.privateKey, kid }));
    await expect(client.clientCredentialsGrant(forged, { scope: 'openid' })).rejects.toMatchObject({ status: 401 });
    const bySecret = await discover('pkjwt', client.ClientSecretBasic(secretOf('pkjwt')));
    await expect(client.clientCredentialsGrant(bySecret, { scope: 'openid' })).rejects.toMatchObject({ name: 'WWWAuthenticateChallengeError', status: 401 });
    const byPost = await discover('pkjwt', client.ClientSecretPost(secretOf('pkjwt')));
    await expect(client.clientCredentialsGrant(byPost, { scope: 'openid' })).rejects.toMatchObject({ status: 401 });
  });
});

describe('client_secret_jwt (client.ClientSecretJwt)', () => {
  it('authenticates the code exchange and client_credentials with an HS256 assertion keyed with the secret', async () => {
    const config = await discover('csjwt', client.ClientSecretJwt(secretOf('csjwt')));
    client.enableNonRepudiationChecks(config);
    const { tokens } = await codeFlow(config, alice, 'openid profile');
    expect(tokens.claims()).toMatchObject({ aud: 'csjwt-client', preferred_username: 'alice' });
    expect(JSON.parse(Buffer.from(tokens.id_token!.split('.')[0]!, 'base64url').toString())).toMatchObject({ alg: 'ES256' });

    const machine = await client.clientCredentialsGrant(config, { scope: 'openid profile' });
    expect((await userinfoOf(machine.access_token))['preferred_username']).toBe('gatehouse-csjwt-client_credentials');
  });

  it('refuses an assertion keyed with another secret, and the secret itself, with 401 invalid_client', async () => {
    const wrong = await discover('csjwt', client.ClientSecretJwt('not-the-secret-0123456789abcdefghijkl'));
    await expect(client.clientCredentialsGrant(wrong, { scope: 'openid' })).rejects.toMatchObject({ status: 401 });
    const bySecret = await discover('csjwt', client.ClientSecretBasic(secretOf('csjwt')));
    await expect(client.clientCredentialsGrant(bySecret, { scope: 'openid' })).rejects.toMatchObject({ status: 401 });
  });
});

describe('app passwords from the seed file (username + password, plain fetch)', () => {
  const tokenRequest = (params: Record<string, string>) =>
    fetch(`${provider.baseUrl}/application/o/token/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: 'm2m-client', scope: 'openid profile', ...params }),
    });

  it.each(['client_credentials', 'password'])('grant_type=%s issues tokens for the app password’s owner', async (grantType) => {
    for (const [username, token] of [
      ['deploy-bot', appPasswords.bot],
      ['alice', appPasswords.alice],
    ] as const) {
      const res = await tokenRequest({ grant_type: grantType, username, password: token });
      const body = (await res.json()) as Record<string, unknown>;
      expect(res.status).toBe(200);
      expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'id_token', 'scope', 'token_type']);
      expect(body['scope']).toBe('openid profile');
      expect((await userinfoOf(body['access_token'] as string))['preferred_username']).toBe(username);
    }
  });

  it('accepts base64(username:app_password) as the client secret', async () => {
    const res = await tokenRequest({ grant_type: 'client_credentials', client_secret: Buffer.from(`deploy-bot:${appPasswords.bot}`).toString('base64') });
    expect(res.status).toBe(200);
    expect((await userinfoOf(((await res.json()) as { access_token: string }).access_token))['preferred_username']).toBe('deploy-bot');
  });

  it.each([
    ['a wrong token', 'deploy-bot', 'deploy-bot-app-password-wrong-000000'],
    ['another user’s token', 'alice', appPasswords.bot],
    ['an expired app password', 'deploy-bot', appPasswords.expired],
    ['a login password instead of an app password', 'alice', alice.password],
  ])('refuses %s with invalid_grant', async (_case, username, password) => {
    const res = await tokenRequest({ grant_type: 'password', username, password });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe('invalid_grant');
  });
});
