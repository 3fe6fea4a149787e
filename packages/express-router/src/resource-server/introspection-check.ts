import { digestToken } from '@gatehouse/core';
import { invalidToken, issuerUnavailable } from './bearer-error.js';
import { issuerTimeoutMs, type IssuerMetadata } from './issuer-metadata.js';
import type { ResolvedRequireTokenOptions } from './require-token-options.js';

type Settings = NonNullable<ResolvedRequireTokenOptions['introspection']>;

/** Active answers remembered at most: enough for a busy API, bounded against a flood of valid tokens. */
const cacheMax = 10_000;

// RFC 6749 §2.3.1: the client ID and secret are form-encoded before they are joined for Basic.
const formEncoded = (value: string): string => new URLSearchParams([['', value]]).toString().slice(1);

async function isActive(endpoint: string, authorization: string, token: string): Promise<boolean> {
  let response: Response;
  try {
    response = await fetch(endpoint, {
      method: 'POST',
      headers: { authorization, accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token, token_type_hint: 'access_token' }),
      signal: AbortSignal.timeout(issuerTimeoutMs),
    });
  } catch (cause) {
    throw issuerUnavailable('the introspection endpoint of the token issuer could not be reached', cause);
  }
  if (response.status === 401) throw issuerUnavailable('the introspection endpoint refused the credentials of this resource server');
  const answer = (await response.json().catch(() => null)) as { active?: unknown } | null;
  if (!response.ok || answer === null || typeof answer !== 'object') throw issuerUnavailable(`the introspection endpoint of the token issuer answered ${response.status}`);
  // RFC 7662 §2.2: anything but `"active": true` is an inactive token (revoked, expired, unknown).
  return answer.active === true;
}

/**
 * Asks the issuer whether a token is still active (RFC 7662 §2.1), with the resource server's
 * client credentials (Basic). Active answers are kept `cacheSeconds` (never past the token's
 * `exp`) under the token's SHA-256; inactive ones are not kept, since they end in a 401 anyway.
 */
export function introspectionCheck(settings: Settings, metadata: () => Promise<IssuerMetadata>): (token: string, expiresAt: number) => Promise<void> {
  const activeUntil = new Map<string, number>();
  const authorization = `Basic ${Buffer.from(`${formEncoded(settings.clientId)}:${formEncoded(settings.clientSecret)}`).toString('base64')}`;
  return async (token, expiresAt) => {
    const digest = digestToken(token);
    const known = activeUntil.get(digest);
    if (known !== undefined && known > Date.now()) return;
    activeUntil.delete(digest);
    const endpoint = settings.endpoint ?? (await metadata()).introspectionEndpoint;
    if (endpoint === undefined) throw issuerUnavailable('the token issuer publishes no introspection endpoint');
    if (!(await isActive(endpoint, authorization, token))) throw invalidToken('the access token has been revoked or is no longer active');
    if (settings.cacheSeconds === 0) return;
    if (activeUntil.size >= cacheMax) activeUntil.delete(activeUntil.keys().next().value!);
    activeUntil.set(digest, Math.min(Date.now() + settings.cacheSeconds * 1000, expiresAt * 1000));
  };
}
