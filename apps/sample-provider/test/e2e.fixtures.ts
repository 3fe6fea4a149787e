import * as client from 'openid-client';
import { Browser } from './browser.js';

/** The seed of the end-to-end tests: one user, three applications signing with ES256, RS256 and HS256. */
export const callback = 'http://127.0.0.1:8765/cb';
export const person = { username: 'alice', password: 'Alice-Password-42!' };

const application = (slug: string, signingKey: string | null) => ({
  slug,
  name: `Relying party ${slug}`,
  client_id: `${slug}-client`,
  client_secret: `${slug}-secret-0123456789abcdefghijklmnop`,
  redirect_uris: [{ matching_mode: 'strict', url: callback }],
  scopes: ['openid', 'profile', 'email'],
  signing_key: signingKey,
  consent: 'explicit',
});

export const seed = {
  groups: [{ name: 'engineering' }],
  users: [{ ...person, name: 'Alice Liddell', email: 'alice@example.com', email_verified: true, groups: ['engineering'] }],
  keys: [
    { name: 'ec', alg: 'ES256' },
    { name: 'rsa', alg: 'RS256' },
  ],
  applications: [application('es', 'ec'), application('rs', 'rsa'), application('hs', null)],
};

export const secretOf = (slug: string): string => `${slug}-secret-0123456789abcdefghijklmnop`;

/**
 * An authorization code of the ES256 application of `baseUrl` for `person`, through the real
 * login and consent pages, with its PKCE verifier.
 */
export async function codeThroughBrowser(baseUrl: string): Promise<{ readonly code: string; readonly verifier: string }> {
  const verifier = client.randomPKCECodeVerifier();
  const authorize = new URL(`${baseUrl}/application/o/authorize/`);
  for (const [name, value] of Object.entries({
    client_id: 'es-client', redirect_uri: callback, response_type: 'code', scope: 'openid profile',
    code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
  })) authorize.searchParams.set(name, value);
  const { callback: returned } = await new Browser().signInAndConsent(authorize.href, callback, person);
  return { code: returned.searchParams.get('code')!, verifier };
}
