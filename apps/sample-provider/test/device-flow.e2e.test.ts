// The device authorization grant (RFC 8628) end to end: openid-client v6 on the device
// (initiateDeviceAuthorization, pollDeviceAuthorizationGrant), and a person on the reference
// provider's pages over HTTP: the verification URI, the login page, the user code, the consent page.
import * as client from 'openid-client';
import { Browser } from './browser.js';
import { person, seed } from './e2e.fixtures.js';
import { secretOf, seedApplication } from './oidc-flow.js';
import { startProvider, type RunningProvider } from './provider-harness.js';

const deviceSeed = {
  ...seed,
  applications: [
    seedApplication('tv', { name: 'Living Room TV', scopes: ['openid', 'profile', 'email', 'offline_access'], signing_key: 'ec', device_code_validity: 900 }),
    { ...seedApplication('radio', { signing_key: 'ec' }), client_secret: undefined, client_type: 'public', token_endpoint_auth_method: 'none' },
  ],
};

let provider: RunningProvider;
beforeAll(async () => {
  provider = await startProvider(deviceSeed);
});
afterAll(() => provider.close());

const discover = async (slug: string, auth: client.ClientAuth, secret?: string): Promise<client.Configuration> => {
  const config = await client.discovery(new URL(`${provider.baseUrl}/application/o/${slug}/`), `${slug}-client`, secret, auth, {
    execute: [client.allowInsecureRequests],
  });
  client.enableNonRepudiationChecks(config);
  return config;
};

// openid-client waits the interval (5 s) before its first poll.
jest.setTimeout(30_000);

describe('device flow with openid-client v6', () => {
  it('signs a person in on /device, and the device receives tokens that work at userinfo and refresh', async () => {
    const config = await discover('tv', client.ClientSecretBasic(secretOf('tv')), secretOf('tv'));
    expect(config.serverMetadata().device_authorization_endpoint).toBe(`${provider.baseUrl}/application/o/device/`);

    const authorization = await client.initiateDeviceAuthorization(config, { scope: 'openid profile email offline_access' });
    expect(authorization).toMatchObject({
      user_code: expect.stringMatching(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/),
      verification_uri: `${provider.baseUrl}/device`,
      expires_in: 900,
      interval: 5,
    });
    const polling = client.pollDeviceAuthorizationGrant(config, authorization, undefined, { signal: AbortSignal.timeout(25_000) });

    // The person reads the code off the screen and types it, in lower case, at the verification URI.
    const { pagesSeen, page } = await new Browser().enterDeviceCode(authorization.verification_uri, authorization.user_code.toLowerCase(), person);
    expect(pagesSeen).toEqual(['login', 'device', 'consent']);
    expect(page.status).toBe(200);
    expect(page.html).toContain('You can return to your device.');

    const tokens = await polling;
    expect(tokens.scope).toBe('openid profile email offline_access');
    expect(tokens.refresh_token).toEqual(expect.any(String));
    const claims = tokens.claims()!;
    expect(claims).toMatchObject({ iss: `${provider.baseUrl}/application/o/tv/`, aud: 'tv-client', name: 'Alice Liddell', email: 'alice@example.com' });

    const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
    expect(userinfo).toMatchObject({ sub: claims.sub, preferred_username: 'alice', email: 'alice@example.com', groups: ['engineering'] });

    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.scope).toBe('openid profile email offline_access');
    expect((await client.fetchUserInfo(config, refreshed.access_token, claims.sub))['preferred_username']).toBe('alice');
  });

  it('tells a public client access_denied when the person denies, through verification_uri_complete', async () => {
    const config = await discover('radio', client.None());
    const authorization = await client.initiateDeviceAuthorization(config, { scope: 'openid profile' });
    const polling = client.pollDeviceAuthorizationGrant(config, authorization, undefined, { signal: AbortSignal.timeout(25_000) });
    const outcome = polling.then(
      () => 'tokens',
      (error: unknown) => (error as { error?: string }).error,
    );

    // The code arrives filled in; the person still submits it, then denies.
    const browser = new Browser();
    const { pagesSeen, page } = await browser.enterDeviceCode(authorization.verification_uri_complete!, undefined, person, 'deny');
    expect(pagesSeen).toEqual(['login', 'device', 'consent']);
    expect(page.html).toContain('Relying party radio was not given access.');
    expect(await outcome).toBe('access_denied');
  });
});
