import * as oauth from 'oauth4webapi';
import { Browser } from './browser.js';
import { callback, person, secretOf, seed } from './e2e.fixtures.js';
import { startProvider, type RunningProvider } from './provider-harness.js';

let provider: RunningProvider;
beforeAll(async () => {
  provider = await startProvider(seed);
});
afterAll(() => provider.close());

const insecure = { [oauth.allowInsecureRequests]: true };

describe('oauth4webapi (strict validation) against the reference provider', () => {
  it('completes the code flow and accepts the ID token, the RFC 9068 access token and userinfo', async () => {
    const issuer = new URL(`${provider.baseUrl}/application/o/es/`);
    const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, insecure));
    const rp: oauth.Client = { client_id: 'es-client', id_token_signed_response_alg: 'ES256' };
    const clientAuth = oauth.ClientSecretBasic(secretOf('es'));

    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const nonce = oauth.generateRandomNonce();
    const authorizationUrl = new URL(as.authorization_endpoint!);
    for (const [name, value] of Object.entries({
      client_id: rp.client_id,
      redirect_uri: callback,
      response_type: 'code',
      scope: 'openid email',
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    })) authorizationUrl.searchParams.set(name, value);

    const { callback: returned } = await new Browser().signInAndConsent(authorizationUrl.href, callback, person);
    // RFC 9207: validateAuthResponse requires `iss` because discovery advertises it.
    const params = oauth.validateAuthResponse(as, rp, returned, state);
    const response = await oauth.authorizationCodeGrantRequest(as, rp, clientAuth, params, callback, verifier, insecure);
    const tokens = await oauth.processAuthorizationCodeResponse(as, rp, response, { expectedNonce: nonce, requireIdToken: true });
    // Verifies the ID token signature against the JWKS, as openid-client's non-repudiation checks do.
    await oauth.validateApplicationLevelSignature(as, response, insecure);
    const claims = oauth.getValidatedIdTokenClaims(tokens)!;
    expect(claims).toMatchObject({ iss: issuer.href, aud: 'es-client', nonce, email: 'alice@example.com' });

    const accessToken = await oauth.validateJwtAccessToken(
      as,
      new Request(`${provider.baseUrl}/api`, { headers: { authorization: `Bearer ${tokens.access_token}` } }),
      'es-client',
      insecure,
    );
    expect(accessToken).toMatchObject({ sub: claims.sub, client_id: 'es-client', scope: 'openid email' });

    const userinfo = await oauth.processUserInfoResponse(as, rp, claims.sub, await oauth.userInfoRequest(as, rp, tokens.access_token, insecure));
    expect(userinfo).toEqual({ sub: claims.sub, email: 'alice@example.com', email_verified: true });
  });

  it('refuses a second exchange of the same code and revokes the first access token', async () => {
    const issuer = new URL(`${provider.baseUrl}/application/o/es/`);
    const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, insecure));
    const rp: oauth.Client = { client_id: 'es-client' };
    const clientAuth = oauth.ClientSecretPost(secretOf('es'));
    const verifier = oauth.generateRandomCodeVerifier();
    const authorizationUrl = new URL(as.authorization_endpoint!);
    for (const [name, value] of Object.entries({
      client_id: rp.client_id,
      redirect_uri: callback,
      response_type: 'code',
      scope: 'openid',
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    })) authorizationUrl.searchParams.set(name, value);
    const { callback: returned } = await new Browser().signInAndConsent(authorizationUrl.href, callback, person);
    const params = oauth.validateAuthResponse(as, rp, returned, oauth.expectNoState);

    const first = await oauth.processAuthorizationCodeResponse(as, rp, await oauth.authorizationCodeGrantRequest(as, rp, clientAuth, params, callback, verifier, insecure));
    const replay = await oauth.authorizationCodeGrantRequest(as, rp, clientAuth, params, callback, verifier, insecure);
    await expect(oauth.processAuthorizationCodeResponse(as, rp, replay)).rejects.toMatchObject({ error: 'invalid_grant' });

    const userinfo = await oauth.userInfoRequest(as, rp, first.access_token, insecure);
    expect(userinfo.status).toBe(401);
    expect(userinfo.headers.get('www-authenticate')).toMatch(/^Bearer realm="gatehouse", error="invalid_token"/);
  });
});
