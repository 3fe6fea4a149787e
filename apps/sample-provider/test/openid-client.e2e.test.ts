import * as client from 'openid-client';
import { Browser } from './browser.js';
import { callback, person, secretOf, seed } from './e2e.fixtures.js';
import { startProvider, type RunningProvider } from './provider-harness.js';

let provider: RunningProvider;
beforeAll(async () => {
  provider = await startProvider(seed);
});
afterAll(() => provider.close());

describe('openid-client v6 against the reference provider', () => {
  it.each([
    ['es', 'ES256'],
    ['rs', 'RS256'],
  ])('completes the code flow with PKCE, state and nonce for %s (%s)', async (slug, alg) => {
    const issuer = new URL(`${provider.baseUrl}/application/o/${slug}/`);
    const config = await client.discovery(issuer, `${slug}-client`, undefined, client.ClientSecretBasic(secretOf(slug)), {
      execute: [client.allowInsecureRequests],
    });
    // Verify the ID token signature against the JWKS (not only trust the TLS-less token response).
    client.enableNonRepudiationChecks(config);
    expect(config.serverMetadata().issuer).toBe(issuer.href);
    expect(config.serverMetadata().authorization_response_iss_parameter_supported).toBe(true);

    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const authorizationUrl = client.buildAuthorizationUrl(config, {
      redirect_uri: callback,
      scope: 'openid profile email',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });

    const { callback: returned, pagesSeen } = await new Browser().signInAndConsent(authorizationUrl.href, callback, person);
    expect(pagesSeen).toEqual(['login', 'consent']);
    expect(returned.searchParams.get('iss')).toBe(issuer.href);

    const tokens = await client.authorizationCodeGrant(config, returned, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
    const idToken = tokens.claims()!;
    expect(JSON.parse(Buffer.from(tokens.id_token!.split('.')[0]!, 'base64url').toString())).toMatchObject({ alg, kid: expect.any(String) });
    expect(idToken).toMatchObject({ iss: issuer.href, aud: `${slug}-client`, nonce, name: 'Alice Liddell', email: 'alice@example.com' });
    expect(tokens.token_type.toLowerCase()).toBe('bearer');
    expect(tokens.scope).toBe('openid profile email');

    const userinfo = await client.fetchUserInfo(config, tokens.access_token, idToken.sub);
    expect(userinfo).toMatchObject({
      sub: idToken.sub,
      preferred_username: 'alice',
      email: 'alice@example.com',
      email_verified: true,
      groups: ['engineering'],
    });
  });

  it('validates HS256 ID tokens signed with the client secret', async () => {
    const issuer = new URL(`${provider.baseUrl}/application/o/hs/`);
    const config = await client.discovery(issuer, 'hs-client', secretOf('hs'), client.ClientSecretPost(secretOf('hs')), {
      execute: [client.allowInsecureRequests],
    });
    const verifier = client.randomPKCECodeVerifier();
    const nonce = client.randomNonce();
    const authorizationUrl = client.buildAuthorizationUrl(config, {
      redirect_uri: callback,
      scope: 'openid profile',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      nonce,
    });
    const { callback: returned } = await new Browser().signInAndConsent(authorizationUrl.href, callback, person);
    const tokens = await client.authorizationCodeGrant(config, returned, { pkceCodeVerifier: verifier, expectedNonce: nonce });
    expect(JSON.parse(Buffer.from(tokens.id_token!.split('.')[0]!, 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT' });
    const userinfo = await client.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub);
    expect(userinfo['preferred_username']).toBe('alice');
  });
});
