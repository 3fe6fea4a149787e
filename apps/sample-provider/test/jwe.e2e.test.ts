import { createPrivateKey, generateKeyPairSync, webcrypto, type JsonWebKey, type KeyObject } from 'node:crypto';
import { createKeyRecord } from '@gatehouse/core';
import * as client from 'openid-client';
import { decryptCompactJwe, fetchJwks, protectedHeader, tamper, verifyWithJwks, type Jwks } from './jose-checks.js';
import { clientFor, codeFlow, requestsMadeBy, seedApplication, userinfoStatus } from './oidc-flow.js';
import { startProvider, type RunningProvider } from './provider-harness.js';

const person = { username: 'alice', password: 'Alice-Password-42!' };
// The application's encryption key, made here and given to the seed as a private JWK.
const privateJwk = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }) as JsonWebKey;
const privateKey: KeyObject = createPrivateKey({ key: privateJwk, format: 'jwk' });

const seed = {
  users: [{ ...person, name: 'Alice Liddell', email: 'alice@example.com', email_verified: true }],
  keys: [
    { name: 'sig', alg: 'ES256' },
    { name: 'enc', alg: 'RSA-OAEP-256', private_jwk: privateJwk },
  ],
  applications: [seedApplication('sealed', { signing_key: 'sig', encryption_key: 'enc' }), seedApplication('plain', { signing_key: 'sig' })],
};

let provider: RunningProvider;
let jwks: Jwks;
let encKid: string;
let sigKid: string;
beforeAll(async () => {
  provider = await startProvider(seed);
  jwks = await fetchJwks(`${provider.baseUrl}/application/o/sealed/jwks/`);
  encKid = jwks.keys.find((key) => key.use === 'enc')!.kid!;
  sigKid = jwks.keys.find((key) => key.use === 'sig')!.kid!;
});
afterAll(() => provider.close());

const decryptingClient = async () => {
  const key = await webcrypto.subtle.importKey('jwk', privateJwk as webcrypto.JsonWebKey, { name: 'RSA-OAEP', hash: 'SHA-256' }, false, ['decrypt', 'unwrapKey']);
  // The JWE names its key (`kid`): openid-client picks the key of that kid only.
  return clientFor(provider.baseUrl, 'sealed', { id_token_signed_response_alg: 'ES256' }, { decryptWith: { key, kid: encKid } });
};

describe('encrypted ID and access tokens (RSA-OAEP-256, A256CBC-HS512)', () => {
  it('publishes the encryption key in the JWKS with use "enc", next to the signing key', () => {
    expect(jwks.keys).toHaveLength(2);
    const enc = jwks.keys.find((key) => key.use === 'enc');
    expect(enc).toEqual({ kty: 'RSA', n: privateJwk.n, e: privateJwk.e, kid: encKid, use: 'enc', alg: 'RSA-OAEP-256' });
    expect(jwks.keys.find((key) => key.use === 'sig')).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', kid: sigKid });
  });

  it('advertises the encryption algorithms in discovery, only for the application that encrypts', async () => {
    const sealed = (await (await fetch(`${provider.baseUrl}/application/o/sealed/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(sealed['id_token_encryption_alg_values_supported']).toEqual(['RSA-OAEP-256']);
    expect(sealed['id_token_encryption_enc_values_supported']).toEqual(['A256CBC-HS512']);
    expect(sealed['id_token_signing_alg_values_supported']).toEqual(['ES256']);
    const plain = (await (await fetch(`${provider.baseUrl}/application/o/plain/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(plain).not.toHaveProperty('id_token_encryption_alg_values_supported');
    expect(plain).not.toHaveProperty('id_token_encryption_enc_values_supported');
    expect(await fetchJwks(`${provider.baseUrl}/application/o/plain/jwks/`)).toEqual({ keys: jwks.keys.filter((key) => key.use === 'sig') });
  });

  it('returns compact JWEs that decrypt with the application’s key to JWTs verified through the JWKS', async () => {
    const config = await decryptingClient();
    const { tokens, nonce } = await codeFlow(config, person, 'openid email');
    // openid-client decrypted the ID token, then checked its signature through the JWKS.
    expect(requestsMadeBy(config)).toEqual([`${provider.baseUrl}/application/o/token/`, `${provider.baseUrl}/application/o/sealed/jwks/`]);
    for (const token of [tokens.id_token!, tokens.access_token]) {
      expect(token.split('.')).toHaveLength(5);
      expect(protectedHeader(token)).toEqual({ alg: 'RSA-OAEP-256', enc: 'A256CBC-HS512', cty: 'JWT', kid: encKid });
      expect(() => decryptCompactJwe(tamper(token), privateKey)).toThrow('JWE authentication tag does not verify');
    }

    const idToken = decryptCompactJwe(tokens.id_token!, privateKey).plaintext;
    expect(protectedHeader(idToken)).toEqual({ alg: 'ES256', typ: 'JWT', kid: sigKid });
    const idClaims = verifyWithJwks(idToken, jwks);
    expect(idClaims).toMatchObject({ iss: `${provider.baseUrl}/application/o/sealed/`, aud: 'sealed-client', nonce, email: 'alice@example.com' });
    // openid-client decrypted the same ID token and validated it.
    expect(tokens.claims()).toEqual(idClaims);

    const accessToken = decryptCompactJwe(tokens.access_token, privateKey).plaintext;
    expect(protectedHeader(accessToken)).toEqual({ alg: 'ES256', typ: 'at+jwt', kid: sigKid });
    expect(verifyWithJwks(accessToken, jwks)).toMatchObject({ sub: idClaims['sub'], client_id: 'sealed-client', scope: 'openid email' });

    // Userinfo takes the encrypted access token as it was issued.
    expect(await client.fetchUserInfo(config, tokens.access_token, idClaims['sub'] as string)).toEqual({
      sub: idClaims['sub'], email: 'alice@example.com', email_verified: true,
    });
  });

  it('refuses at userinfo the JWT inside an encrypted access token, and a tampered JWE', async () => {
    const { tokens } = await codeFlow(await decryptingClient(), person, 'openid');
    const inner = decryptCompactJwe(tokens.access_token, privateKey).plaintext;
    expect((await userinfoStatus(provider.baseUrl, tokens.access_token)).status).toBe(200);
    expect((await userinfoStatus(provider.baseUrl, inner)).status).toBe(401);
    expect((await userinfoStatus(provider.baseUrl, tamper(tokens.access_token))).status).toBe(401);
  });

  it('cannot be read by a client without the decryption key', async () => {
    const config = await clientFor(provider.baseUrl, 'sealed', { id_token_signed_response_alg: 'ES256' });
    await expect(codeFlow(config, person, 'openid')).rejects.toMatchObject({
      message: 'unsupported operation',
      cause: expect.objectContaining({ message: 'JWE decryption is not configured' }),
    });
  });

  it('leaves tokens of an application without an encryption key signed only', async () => {
    const { tokens } = await codeFlow(await clientFor(provider.baseUrl, 'plain', { id_token_signed_response_alg: 'ES256' }), person, 'openid');
    expect(tokens.id_token!.split('.')).toHaveLength(3);
    expect(tokens.access_token.split('.')).toHaveLength(3);
    expect(protectedHeader(tokens.id_token!)).toEqual({ alg: 'ES256', typ: 'JWT', kid: sigKid });
  });
});

describe('retired encryption keys', () => {
  // Decryption keys come from the live list, cached for keyCacheSeconds like the signing keys.
  it('refuses an access token encrypted to a retired encryption key once the key cache has expired', async () => {
    let offset = 0;
    const own = await startProvider(seed, {}, { clock: { now: () => Math.floor(Date.now() / 1000) + offset } });
    try {
      const key = await webcrypto.subtle.importKey('jwk', privateJwk as webcrypto.JsonWebKey, { name: 'RSA-OAEP', hash: 'SHA-256' }, false, ['decrypt']);
      const config = await clientFor(own.baseUrl, 'sealed', {}, { decryptWith: { key, kid: encKid } });
      const { tokens } = await codeFlow(config, person, 'openid');
      expect((await userinfoStatus(own.baseUrl, tokens.access_token)).status).toBe(200);
      // A new encryption key is imported (the client must hold it), not generated by rotateKey.
      await expect(own.server.rotateKey('enc')).rejects.toThrow(/encryption key/);
      await own.stores.keys.save(await createKeyRecord({ name: 'enc', alg: 'RSA-OAEP-256', now: Math.floor(Date.now() / 1000) + 1 }));
      await own.stores.keys.retire(encKid, Math.floor(Date.now() / 1000));
      offset = own.server.settings.keyCacheSeconds + 1;
      expect(kidsOfEnc(await fetchJwks(`${own.baseUrl}/application/o/sealed/jwks/`))).not.toContain(encKid);
      expect((await userinfoStatus(own.baseUrl, tokens.access_token)).status).toBe(401);
    } finally {
      await own.close();
    }
  });
});

const kidsOfEnc = (set: Jwks): string[] => set.keys.filter((key) => key.use === 'enc').map((key) => key.kid!);
