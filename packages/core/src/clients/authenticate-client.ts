import type { Application } from './application.js';
import { invalidClient, invalidRequest } from '../errors/oauth-error.js';
import type { ApplicationStore } from '../storage/application-store.js';
import { matchesDigest } from '../tokens/opaque-token.js';

/** The client credentials of a request and how they were sent. */
export interface ClientCredentials {
  readonly clientId: string;
  readonly clientSecret: string | undefined;
  readonly method: 'client_secret_basic' | 'client_secret_post' | 'none';
}

// RFC 6749 §2.3.1: id and secret are form-encoded before Basic encoding. Like authentik, a raw
// `+` stays `+`: clients that skip the encoding are far more common than secrets with spaces.
function decodeBasicPart(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw invalidRequest('the Authorization header is not valid Basic credentials');
  }
}

/** Reads client credentials from the `Authorization: Basic` header or the form body. */
export function readClientCredentials(
  params: Readonly<Record<string, string | undefined>>,
  authorization: string | undefined,
): ClientCredentials | null {
  const basic = authorization?.match(/^Basic\s+([A-Za-z0-9+/=]+)\s*$/i);
  if (authorization !== undefined && /^Basic\b/i.test(authorization)) {
    const decoded = basic ? Buffer.from(basic[1]!, 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    if (colon < 1) throw invalidClient('the Authorization header is not valid Basic credentials');
    // RFC 6749 §2.3: a client MUST NOT use more than one authentication method per request.
    if (params['client_secret'] !== undefined) throw invalidRequest('client credentials sent both in the header and in the body');
    const clientId = decodeBasicPart(decoded.slice(0, colon));
    if (params['client_id'] !== undefined && params['client_id'] !== clientId) {
      throw invalidRequest('client_id in the body does not match the Authorization header');
    }
    return { clientId, clientSecret: decodeBasicPart(decoded.slice(colon + 1)), method: 'client_secret_basic' };
  }
  const clientId = params['client_id'];
  if (!clientId) return null;
  const clientSecret = params['client_secret'];
  return { clientId, clientSecret, method: clientSecret === undefined ? 'none' : 'client_secret_post' };
}

/**
 * Authenticates the client of a token-endpoint request (RFC 6749 §2.3, OIDC Core §9):
 * confidential clients by secret (Basic or post, compared as digests in constant time), public
 * clients by `client_id` alone, which the grants then bind with PKCE.
 */
export async function authenticateClient(
  applications: Pick<ApplicationStore, 'findByClientId'>,
  params: Readonly<Record<string, string | undefined>>,
  authorization: string | undefined,
): Promise<Application> {
  const credentials = readClientCredentials(params, authorization);
  if (!credentials) throw invalidClient('client authentication is required');
  const application = await applications.findByClientId(credentials.clientId);
  if (!application) throw invalidClient('client authentication failed', { detail: `unknown client_id ${credentials.clientId}` });
  if (application.clientType === 'public') {
    if (!credentials.clientSecret) return application;
    throw invalidClient('public clients authenticate with client_id only', { detail: `${credentials.method} sent by a public client` });
  }
  if (credentials.clientSecret === undefined || application.clientSecretDigest === null) {
    throw invalidClient('client authentication is required');
  }
  if (!matchesDigest(credentials.clientSecret, application.clientSecretDigest)) {
    throw invalidClient('client authentication failed', { detail: `wrong secret for ${credentials.clientId}` });
  }
  return application;
}
