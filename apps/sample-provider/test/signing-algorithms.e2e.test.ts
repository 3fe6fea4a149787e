import * as client from 'openid-client';
import { expectedAtHash, fetchJwks, protectedHeader, tamper, unverifiedClaims, verifyHs256, verifyWithJwks } from './jose-checks.js';
import { clientFor, codeFlow, requestsMadeBy, secretOf, seedApplication } from './oidc-flow.js';
import { startProvider, type RunningProvider } from './provider-harness.js';

const person = { username: 'alice', password: 'Alice-Password-42!' };

// One application per signing algorithm, each with its own generated key.
const algorithms = [
  { slug: 'rs256', alg: 'RS256', kty: 'RSA', crv: undefined },
  { slug: 'es256', alg: 'ES256', kty: 'EC', crv: 'P-256' },
  { slug: 'es384', alg: 'ES384', kty: 'EC', crv: 'P-384' },
  { slug: 'es512', alg: 'ES512', kty: 'EC', crv: 'P-521' },
  { slug: 'eddsa', alg: 'EdDSA', kty: 'OKP', crv: 'Ed25519' },
] as const;

const seed = {
  groups: [{ name: 'engineering' }],
  users: [{ ...person, name: 'Alice Liddell', email: 'alice@example.com', email_verified: true, groups: ['engineering'] }],
  keys: algorithms.map(({ slug, alg }) => ({ name: `${slug}-key`, alg })),
  applications: [
    ...algorithms.map(({ slug }) => seedApplication(slug, { signing_key: `${slug}-key` })),
    seedApplication('hs256', { signing_key: null }),
  ],
};

let provider: RunningProvider;
beforeAll(async () => {
  provider = await startProvider(seed);
});
afterAll(() => provider.close());

const expectedUserinfo = (sub: string) => ({
  sub,
  name: 'Alice Liddell',
  given_name: 'Alice Liddell',
  preferred_username: 'alice',
  nickname: 'alice',
  groups: ['engineering'],
  email: 'alice@example.com',
  email_verified: true,
});

describe('each signing algorithm, through openid-client v6 and the JWKS', () => {
  it.each(algorithms)('$alg: the code flow ends in an ID token verified through the JWKS, and userinfo', async ({ slug, alg, kty, crv }) => {
    const issuer = `${provider.baseUrl}/application/o/${slug}/`;
    const jwks = await fetchJwks(`${provider.baseUrl}/application/o/${slug}/jwks/`);
    expect(jwks.keys).toHaveLength(1);
    const [jwk] = jwks.keys;
    expect(jwk).toMatchObject({ kty, use: 'sig', alg, kid: expect.any(String) });
    expect(jwk!.crv).toBe(crv);
    // Only the public half is published.
    expect(jwk).not.toHaveProperty('d');
    expect(jwk).not.toHaveProperty('p');

    const config = await clientFor(provider.baseUrl, slug, { id_token_signed_response_alg: alg });
    expect(config.serverMetadata().id_token_signing_alg_values_supported).toEqual([alg]);
    expect(config.serverMetadata().jwks_uri).toBe(`${provider.baseUrl}/application/o/${slug}/jwks/`);

    const { tokens, nonce, pagesSeen } = await codeFlow(config, person, 'openid profile email');
    expect(pagesSeen).toEqual(['login', 'consent']);
    // The token response was checked against the JWKS, which openid-client fetched for it.
    expect(requestsMadeBy(config)).toEqual([`${provider.baseUrl}/application/o/token/`, `${provider.baseUrl}/application/o/${slug}/jwks/`]);
    const idToken = tokens.id_token!;
    expect(protectedHeader(idToken)).toEqual({ alg, typ: 'JWT', kid: jwk!.kid });
    expect(protectedHeader(tokens.access_token)).toEqual({ alg, typ: 'at+jwt', kid: jwk!.kid });

    // openid-client checked the signature through the JWKS (non-repudiation); check it again
    // independently, and check that the check can fail.
    const claims = verifyWithJwks(idToken, jwks);
    expect(() => verifyWithJwks(tamper(idToken), jwks)).toThrow(/does not verify/);
    expect(verifyWithJwks(tokens.access_token, jwks)).toMatchObject({ client_id: `${slug}-client`, scope: 'openid profile email' });
    expect(tokens.claims()).toEqual(claims);
    expect(claims).toMatchObject({
      iss: issuer,
      aud: `${slug}-client`,
      azp: `${slug}-client`,
      nonce,
      name: 'Alice Liddell',
      email: 'alice@example.com',
      at_hash: expectedAtHash(tokens.access_token, alg),
    });

    const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims['sub'] as string);
    expect(userinfo).toEqual(expectedUserinfo(claims['sub'] as string));
  });

  it('HS256: an application without a signing key signs with its client secret and publishes no key', async () => {
    const jwks = await fetchJwks(`${provider.baseUrl}/application/o/hs256/jwks/`);
    expect(jwks).toEqual({ keys: [] });

    // openid-client's non-repudiation checks refuse HS* by design (nothing public to check against).
    const config = await clientFor(provider.baseUrl, 'hs256', { id_token_signed_response_alg: 'HS256' }, { nonRepudiation: false });
    expect(config.serverMetadata().id_token_signing_alg_values_supported).toEqual(['HS256']);

    const { tokens, nonce } = await codeFlow(config, person, 'openid profile email');
    expect(requestsMadeBy(config)).toEqual([`${provider.baseUrl}/application/o/token/`]);
    const idToken = tokens.id_token!;
    expect(protectedHeader(idToken)).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(protectedHeader(tokens.access_token)).toEqual({ alg: 'HS256', typ: 'at+jwt' });
    const claims = verifyHs256(idToken, secretOf('hs256'));
    expect(() => verifyHs256(idToken, secretOf('rs256'))).toThrow('HS256 signature does not verify');
    expect(() => verifyWithJwks(idToken, jwks)).toThrow();
    expect(verifyHs256(tokens.access_token, secretOf('hs256'))).toMatchObject({ client_id: 'hs256-client' });
    expect(claims).toMatchObject({ iss: `${provider.baseUrl}/application/o/hs256/`, aud: 'hs256-client', nonce, at_hash: expectedAtHash(tokens.access_token, 'HS256') });
    expect(tokens.claims()).toEqual(claims);

    const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims['sub'] as string);
    expect(userinfo).toEqual(expectedUserinfo(claims['sub'] as string));
  });

  it('gives every application its own key: one application’s JWKS does not verify another’s tokens', async () => {
    const kids = await Promise.all(algorithms.map(async ({ slug }) => (await fetchJwks(`${provider.baseUrl}/application/o/${slug}/jwks/`)).keys[0]!.kid));
    expect(new Set(kids).size).toBe(algorithms.length);

    const config = await clientFor(provider.baseUrl, 'es256', { id_token_signed_response_alg: 'ES256' });
    const { tokens } = await codeFlow(config, person, 'openid');
    const other = await fetchJwks(`${provider.baseUrl}/application/o/es384/jwks/`);
    expect(() => verifyWithJwks(tokens.id_token!, other)).toThrow(/no key with kid/);
    expect(unverifiedClaims(tokens.id_token!)['aud']).toBe('es256-client');
  });
});
