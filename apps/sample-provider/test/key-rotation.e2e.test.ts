import { generateKeyPairSync } from 'node:crypto';
import * as oauth from 'oauth4webapi';
import * as client from 'openid-client';
import type { Clock } from '@gatehouse/core';
import { fetchJwks, protectedHeader, verifyWithJwks, type Jwks } from './jose-checks.js';
import { clientFor, codeFlow, requestsMadeBy, seedApplication, userinfoStatus, type CodeFlowResult } from './oidc-flow.js';
import { startProvider, type RunningProvider } from './provider-harness.js';

const person = { username: 'alice', password: 'Alice-Password-42!' };
const seed = {
  users: [{ ...person, name: 'Alice Liddell', email: 'alice@example.com', email_verified: true }],
  keys: [{ name: 'rotating', alg: 'ES256' }, { name: 'steady', alg: 'RS256' }],
  applications: [seedApplication('rot', { signing_key: 'rotating' }), seedApplication('other', { signing_key: 'steady' })],
};

const kidsOf = (jwks: Jwks): string[] => jwks.keys.map((key) => key.kid!).sort();
const unknownKeyChallenge = 'Bearer realm="gatehouse", error="invalid_token", error_description="the access token was signed with an unknown key"';

/** Verifies an RFC 9068 access token the way a resource server using oauth4webapi does: through the issuer's JWKS. */
async function resourceServerAccepts(publicUrl: string, accessToken: string): Promise<oauth.JWTAccessTokenClaims> {
  const issuer = new URL(`${publicUrl}/application/o/rot/`);
  const insecure = { [oauth.allowInsecureRequests]: true };
  const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, insecure));
  return oauth.validateJwtAccessToken(as, new Request('http://api.example/', { headers: { authorization: `Bearer ${accessToken}` } }), 'rot-client', insecure);
}

describe('key rotation, then retirement seen by a second instance on the same stores', () => {
  let provider: RunningProvider;
  let second: RunningProvider | undefined;
  let oldKid: string;
  let newKid: string;
  let before: CodeFlowResult;
  let after: CodeFlowResult;
  let otherKids: string[];

  beforeAll(async () => {
    provider = await startProvider(seed);
    otherKids = kidsOf(await fetchJwks(`${provider.baseUrl}/application/o/other/jwks/`));
  });
  afterAll(async () => {
    await second?.close();
    await provider.close();
  });

  it('signs with the only version before any rotation', async () => {
    const jwks = await fetchJwks(`${provider.baseUrl}/application/o/rot/jwks/`);
    expect(jwks.keys).toHaveLength(1);
    oldKid = jwks.keys[0]!.kid!;
    before = await codeFlow(await clientFor(provider.baseUrl, 'rot', { id_token_signed_response_alg: 'ES256' }), person, 'openid profile');
    expect(protectedHeader(before.tokens.id_token!)).toEqual({ alg: 'ES256', typ: 'JWT', kid: oldKid });
    expect(protectedHeader(before.tokens.access_token)).toEqual({ alg: 'ES256', typ: 'at+jwt', kid: oldKid });
  });

  it('publishes both versions after server.rotateKey, and what was issued before keeps working', async () => {
    const record = await provider.server.rotateKey('rotating');
    expect(record).toMatchObject({ name: 'rotating', alg: 'ES256', use: 'sig', retiredAt: null });
    newKid = record.kid;
    expect(newKid).not.toBe(oldKid);

    const jwks = await fetchJwks(`${provider.baseUrl}/application/o/rot/jwks/`);
    expect(kidsOf(jwks)).toEqual([oldKid, newKid].sort());
    expect(jwks.keys.every((key) => key.alg === 'ES256' && key.use === 'sig' && key.crv === 'P-256')).toBe(true);
    // Another named key is not touched by the rotation.
    expect(kidsOf(await fetchJwks(`${provider.baseUrl}/application/o/other/jwks/`))).toEqual(otherKids);

    // The ID token of before the rotation still verifies against the JWKS of now.
    expect(verifyWithJwks(before.tokens.id_token!, jwks)).toEqual(before.tokens.claims());
    // Its access token still works at userinfo and at a resource server that checks the JWKS.
    const config = await clientFor(provider.baseUrl, 'rot');
    const sub = before.tokens.claims()!.sub;
    expect(await client.fetchUserInfo(config, before.tokens.access_token, sub)).toEqual({
      sub, name: 'Alice Liddell', given_name: 'Alice Liddell', preferred_username: 'alice', nickname: 'alice', groups: [],
    });
    expect(await resourceServerAccepts(provider.publicUrl, before.tokens.access_token)).toMatchObject({ sub, client_id: 'rot-client', scope: 'openid profile' });
  });

  it('signs new tokens with the new version', async () => {
    const config = await clientFor(provider.baseUrl, 'rot', { id_token_signed_response_alg: 'ES256' });
    after = await codeFlow(config, person, 'openid profile');
    // openid-client verified the new ID token through the JWKS (non-repudiation checks).
    expect(requestsMadeBy(config)).toContain(`${provider.baseUrl}/application/o/rot/jwks/`);
    expect(protectedHeader(after.tokens.id_token!)).toEqual({ alg: 'ES256', typ: 'JWT', kid: newKid });
    expect(protectedHeader(after.tokens.access_token)).toEqual({ alg: 'ES256', typ: 'at+jwt', kid: newKid });
    const jwks = await fetchJwks(`${provider.baseUrl}/application/o/rot/jwks/`);
    expect(verifyWithJwks(after.tokens.id_token!, jwks)).toEqual(after.tokens.claims());
    // Only the new version verifies it: the old one alone does not.
    expect(() => verifyWithJwks(after.tokens.id_token!, { keys: jwks.keys.filter((key) => key.kid === oldKid) })).toThrow(/no key with kid/);
    expect((await userinfoStatus(provider.baseUrl, after.tokens.access_token)).status).toBe(200);
  });

  it('drops a retired version: gone from JWKS, its tokens refused at userinfo (a fresh instance has no cached key list)', async () => {
    await provider.stores.keys.retire(oldKid, Math.floor(Date.now() / 1000));
    // A second instance behind the same public URL, on the same stores: it reads the key lists anew.
    second = await startProvider(seed, { stores: provider.stores }, { publicUrl: provider.publicUrl });

    const jwks = await fetchJwks(`${second.baseUrl}/application/o/rot/jwks/`);
    expect(kidsOf(jwks)).toEqual([newKid]);
    expect(kidsOf(await fetchJwks(`${second.baseUrl}/application/o/other/jwks/`))).toEqual(otherKids);
    expect(() => verifyWithJwks(before.tokens.id_token!, jwks)).toThrow(`no key with kid ${oldKid} in the JWKS`);
    expect(verifyWithJwks(after.tokens.id_token!, jwks)).toEqual(after.tokens.claims());

    // Refused for the key, not for anything else (the issuer is the same public URL).
    expect(await userinfoStatus(second.baseUrl, before.tokens.access_token)).toEqual({ status: 401, challenge: unknownKeyChallenge });
    expect(await userinfoStatus(second.baseUrl, after.tokens.access_token)).toEqual({ status: 200, challenge: null });
  });
});

describe('key retirement seen by the same instance once its key cache expires', () => {
  let offset = 0;
  const clock: Clock = { now: () => Math.floor(Date.now() / 1000) + offset };
  let provider: RunningProvider;
  beforeAll(async () => {
    provider = await startProvider(seed, {}, { clock });
  });
  afterAll(() => provider.close());

  it('stops publishing and accepting the retired version after keyCacheSeconds', async () => {
    const [oldKey] = (await fetchJwks(`${provider.baseUrl}/application/o/rot/jwks/`)).keys;
    const before = await codeFlow(await clientFor(provider.baseUrl, 'rot'), person, 'openid');
    const { kid: newKid } = await provider.server.rotateKey('rotating');
    const after = await codeFlow(await clientFor(provider.baseUrl, 'rot'), person, 'openid');
    expect(protectedHeader(before.tokens.access_token)['kid']).toBe(oldKey!.kid);
    expect(protectedHeader(after.tokens.access_token)['kid']).toBe(newKid);

    await provider.stores.keys.retire(oldKey!.kid!, clock.now());
    offset = provider.server.settings.keyCacheSeconds + 1;

    expect(kidsOf(await fetchJwks(`${provider.baseUrl}/application/o/rot/jwks/`))).toEqual([newKid]);
    expect(await userinfoStatus(provider.baseUrl, before.tokens.access_token)).toEqual({ status: 401, challenge: unknownKeyChallenge });
    expect(await userinfoStatus(provider.baseUrl, after.tokens.access_token)).toEqual({ status: 200, challenge: null });
  });
});

describe('retired keys and the seed', () => {
  // The seed looks a given private_jwk up by kid, retired versions included.
  it('a retired version of a key given by private_jwk stays retired when the seed is applied again', async () => {
    const privateJwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
    const givenSeed = { keys: [{ name: 'given', alg: 'ES256', private_jwk: privateJwk }], applications: [seedApplication('given', { signing_key: 'given' })] };
    const first = await startProvider(givenSeed);
    let restarted: RunningProvider | undefined;
    try {
      const [original] = await first.stores.keys.findByName('given');
      const rotated = await first.server.rotateKey('given');
      await first.stores.keys.retire(original!.kid, Math.floor(Date.now() / 1000));
      restarted = await startProvider(givenSeed, { stores: first.stores }, { publicUrl: first.publicUrl });
      expect((await first.stores.keys.findByName('given')).map((key) => key.kid)).toEqual([rotated.kid]);
      expect(kidsOf(await fetchJwks(`${restarted.baseUrl}/application/o/given/jwks/`))).toEqual([rotated.kid]);
    } finally {
      await restarted?.close();
      await first.close();
    }
  });
});
