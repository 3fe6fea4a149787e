import * as client from 'openid-client';
import { Browser } from './browser.js';

/** The callback of the end-to-end applications (nothing listens there: the browser stops at it). */
export const callback = 'http://127.0.0.1:8765/cb';
export const secretOf = (slug: string): string => `${slug}-secret-0123456789abcdefghijklmnop`;

/** A confidential application of a seed, with one strict redirect URI. */
export const seedApplication = (slug: string, extra: Readonly<Record<string, unknown>> = {}) => ({
  slug,
  name: `Relying party ${slug}`,
  client_id: `${slug}-client`,
  client_secret: secretOf(slug),
  redirect_uris: [{ matching_mode: 'strict', url: callback }],
  scopes: ['openid', 'profile', 'email'],
  consent: 'explicit',
  ...extra,
});

/**
 * openid-client v6 configured for one application of a provider (by discovery). ID token
 * signatures are verified against the JWKS (non-repudiation checks) unless `nonRepudiation` is
 * false, which HS256 needs: there is no public key to verify with.
 */
export async function clientFor(
  publicUrl: string,
  slug: string,
  metadata: Partial<client.ClientMetadata> = {},
  options: { readonly nonRepudiation?: boolean; readonly decryptWith?: client.CryptoKey | client.DecryptionKey } = {},
): Promise<client.Configuration> {
  const config = await client.discovery(
    new URL(`${publicUrl}/application/o/${slug}/`),
    `${slug}-client`,
    { client_secret: secretOf(slug), ...metadata },
    client.ClientSecretBasic(secretOf(slug)),
    { execute: [client.allowInsecureRequests] },
  );
  if (options.decryptWith) client.enableDecryptingResponses(config, ['A256CBC-HS512'], options.decryptWith);
  if (options.nonRepudiation ?? true) client.enableNonRepudiationChecks(config);
  const requested: string[] = [];
  config[client.customFetch] = (url, init) => {
    requested.push(url);
    return fetch(url, init);
  };
  requestsOf.set(config, requested);
  return config;
}

const requestsOf = new WeakMap<client.Configuration, string[]>();
/** The URLs openid-client fetched for this configuration after discovery (e.g. its JWKS). */
export const requestsMadeBy = (config: client.Configuration): readonly string[] => requestsOf.get(config) ?? [];

export interface CodeFlowResult {
  readonly tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers;
  readonly nonce: string;
  readonly pagesSeen: readonly string[];
  readonly htmlSeen: readonly string[];
}

/**
 * The authorization code flow with PKCE, state and nonce, through the login and consent pages:
 * openid-client builds the request, checks the response and the ID token.
 */
export async function codeFlow(
  config: client.Configuration,
  person: { readonly username: string; readonly password: string },
  scope: string,
  browser: Browser = new Browser(),
): Promise<CodeFlowResult> {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const authorizationUrl = client.buildAuthorizationUrl(config, {
    redirect_uri: callback,
    scope,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  const { callback: returned, pagesSeen, htmlSeen } = await browser.signInAndConsent(authorizationUrl.href, callback, person);
  const tokens = await client.authorizationCodeGrant(config, returned, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
  return { tokens, nonce, pagesSeen, htmlSeen };
}

/** GET userinfo with a bearer token, without a client library: the status tells whether it was accepted. */
export const userinfoStatus = async (baseUrl: string, accessToken: string): Promise<{ readonly status: number; readonly challenge: string | null }> => {
  const response = await fetch(`${baseUrl}/application/o/userinfo/`, { headers: { authorization: `Bearer ${accessToken}` } });
  await response.arrayBuffer();
  return { status: response.status, challenge: response.headers.get('www-authenticate') };
};
