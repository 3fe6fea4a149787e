import { createHash } from 'node:crypto';

/**
 * The client, user and PKCE values both servers are configured with, so every scenario sends the
 * same kind of request to each: a confidential client authenticating with client_secret_basic,
 * ES256 signatures, PKCE S256 on the code exchange.
 */
export const clientId = 'bench-client';
export const clientSecret = 'bench-client-secret-0123456789abcdefghijklmnopqrstuvwxyz';
export const redirectUri = 'http://127.0.0.1:8765/callback';
export const user = { username: 'bench-user', password: 'Bench-Password-0123456789!', email: 'bench@example.com', name: 'Bench User' };
export const appPassword = 'bench-app-password-0123456789abcdef';
/** The OIDC scopes of the code flow; offline_access makes every exchange issue a refresh token too. */
export const codeFlowScope = 'openid profile email offline_access';

/** oidc-provider issues JWT access tokens only for a resource server: this one, with this scope. */
export const apiResource = 'urn:gatehouse-bench:api';
export const apiScope = 'api:read';

/** One PKCE verifier for every minted code: the exchange still hashes and compares it each time. */
export const codeVerifier = 'bench-code-verifier-0123456789abcdefghijklmnopqrstuvwxyz-ABCDEFG';
export const codeChallenge = createHash('sha256').update(codeVerifier).digest('base64url');

export const basicAuth = `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`;

export const form = (fields: Readonly<Record<string, string>>): string => new URLSearchParams(fields).toString();

/** The query parameters of a redirect to the callback (where the code is). */
export function callbackParams(location: string | null): URLSearchParams {
  if (!location?.startsWith(redirectUri)) throw new Error(`expected a redirect to ${redirectUri}, got ${location ?? 'none'}`);
  return new URL(location).searchParams;
}

/**
 * A check that a token response carries an ES256 JWT access token and `fields` (e.g. id_token,
 * refresh_token): both servers must do the same work in a scenario for the ratio to mean anything.
 */
export function expectTokens(...fields: readonly string[]): (body: string) => string | null {
  return (body) => {
    const response = JSON.parse(body) as Record<string, unknown>;
    const token = response['access_token'];
    const header = typeof token === 'string' && token.split('.').length === 3 ? (JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as { alg?: string }) : null;
    if (header?.alg !== 'ES256') return `the access token is not an ES256 JWT: ${body.slice(0, 200)}`;
    const missing = fields.filter((field) => typeof response[field] !== 'string');
    return missing.length ? `the response lacks ${missing.join(', ')}` : null;
  };
}

/** A check on one field of a JSON body (`active: true` of an introspection, `sub` of userinfo). */
export function expectField(field: string, test: (value: unknown) => boolean): (body: string) => string | null {
  return (body) => (test((JSON.parse(body) as Record<string, unknown>)[field]) ? null : `unexpected ${field} in ${body.slice(0, 200)}`);
}
