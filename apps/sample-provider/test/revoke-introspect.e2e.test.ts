// Issue 6 end to end, with openid-client v6 against the reference provider: after a code flow with
// offline_access, introspection (RFC 7662) describes both tokens; revoking the refresh token
// (RFC 7009) ends its grant, so both tokens introspect as inactive and userinfo refuses the access
// token. Revoking an access token alone leaves the refresh token working.
import * as client from 'openid-client';
import { Browser } from './browser.js';
import { clientFor, codeFlow, seedApplication, userinfoStatus } from './oidc-flow.js';
import { startProvider, type RunningProvider } from './provider-harness.js';

const alice = { username: 'alice', password: 'Alice-Password-42!' };
const offline = 'openid profile email offline_access';
const seed = {
  users: [{ ...alice, name: 'Alice Liddell', email: 'alice@example.com', email_verified: true }],
  keys: [{ name: 'ec', alg: 'ES256' }],
  applications: [
    seedApplication('ri', { signing_key: 'ec', scopes: ['openid', 'profile', 'email', 'offline_access'] }),
    seedApplication('stranger', { signing_key: 'ec' }),
  ],
};

let provider: RunningProvider;
let config: client.Configuration;
let stranger: client.Configuration;
beforeAll(async () => {
  provider = await startProvider(seed);
  config = await clientFor(provider.publicUrl, 'ri');
  stranger = await clientFor(provider.publicUrl, 'stranger');
});
afterAll(() => provider.close());

const inactive = { active: false };

describe('revocation and introspection with openid-client v6', () => {
  it('introspects both tokens as active, revokes the refresh token, then both are inactive and userinfo answers 401', async () => {
    expect(config.serverMetadata()).toMatchObject({
      revocation_endpoint: `${provider.publicUrl}/application/o/revoke/`,
      introspection_endpoint: `${provider.publicUrl}/application/o/introspect/`,
    });
    const { tokens } = await codeFlow(config, alice, offline);
    expect(tokens.scope).toBe(offline);
    expect(tokens.refresh_token).toEqual(expect.any(String));
    const idToken = tokens.claims()!;
    const issuer = `${provider.publicUrl}/application/o/ri/`;
    const accessClaims = JSON.parse(Buffer.from(tokens.access_token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

    const access = await client.tokenIntrospection(config, tokens.access_token);
    expect({ ...access }).toEqual({
      active: true,
      scope: offline,
      client_id: 'ri-client',
      username: 'alice',
      token_type: 'Bearer',
      exp: accessClaims['exp'],
      iat: accessClaims['iat'],
      sub: idToken.sub,
      aud: 'ri-client',
      iss: issuer,
      jti: accessClaims['jti'],
    });
    const refresh = await client.tokenIntrospection(config, tokens.refresh_token!, { token_type_hint: 'refresh_token' });
    expect({ ...refresh }).toEqual({
      active: true,
      scope: offline,
      client_id: 'ri-client',
      username: 'alice',
      token_type: 'refresh_token',
      exp: expect.any(Number),
      iat: expect.any(Number),
      sub: idToken.sub,
      aud: 'ri-client',
      iss: issuer,
    });
    expect((refresh.exp as number) - (refresh.iat as number)).toBe(2_592_000);
    expect(await userinfoStatus(provider.publicUrl, tokens.access_token)).toEqual({ status: 200, challenge: null });

    await expect(client.tokenRevocation(config, tokens.refresh_token!, { token_type_hint: 'refresh_token' })).resolves.toBeUndefined();

    expect({ ...(await client.tokenIntrospection(config, tokens.access_token)) }).toEqual(inactive);
    expect({ ...(await client.tokenIntrospection(config, tokens.refresh_token!)) }).toEqual(inactive);
    expect({ ...(await client.tokenIntrospection(config, tokens.refresh_token!, { token_type_hint: 'refresh_token' })) }).toEqual(inactive);
    const afterwards = await userinfoStatus(provider.publicUrl, tokens.access_token);
    expect(afterwards.status).toBe(401);
    expect(afterwards.challenge).toMatch(/^Bearer realm="gatehouse", error="invalid_token"/);
    await expect(client.fetchUserInfo(config, tokens.access_token, idToken.sub)).rejects.toMatchObject({ status: 401 });
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    // Revoking it again is no error (RFC 7009 §2.2).
    await expect(client.tokenRevocation(config, tokens.refresh_token!)).resolves.toBeUndefined();
  });

  it('revokes an access token alone: the refresh token stays active and yields a working access token', async () => {
    const { tokens } = await codeFlow(config, alice, offline, new Browser());
    await expect(client.tokenRevocation(config, tokens.access_token, { token_type_hint: 'access_token' })).resolves.toBeUndefined();
    expect({ ...(await client.tokenIntrospection(config, tokens.access_token)) }).toEqual(inactive);
    expect((await client.tokenIntrospection(config, tokens.refresh_token!)).active).toBe(true);
    expect((await userinfoStatus(provider.publicUrl, tokens.access_token)).status).toBe(401);

    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    expect((await client.tokenIntrospection(config, refreshed.access_token)).active).toBe(true);
    expect((await userinfoStatus(provider.publicUrl, refreshed.access_token)).status).toBe(200);
  });

  it("tells another application nothing about the tokens and does not let it revoke them", async () => {
    const { tokens } = await codeFlow(config, alice, offline, new Browser());
    expect({ ...(await client.tokenIntrospection(stranger, tokens.access_token)) }).toEqual(inactive);
    expect({ ...(await client.tokenIntrospection(stranger, tokens.refresh_token!)) }).toEqual(inactive);
    await expect(client.tokenRevocation(stranger, tokens.refresh_token!)).resolves.toBeUndefined();
    await expect(client.tokenRevocation(stranger, tokens.access_token)).resolves.toBeUndefined();
    expect((await client.tokenIntrospection(config, tokens.access_token)).active).toBe(true);
    expect((await client.tokenIntrospection(config, tokens.refresh_token!)).active).toBe(true);
    expect((await userinfoStatus(provider.publicUrl, tokens.access_token)).status).toBe(200);
  });
});
