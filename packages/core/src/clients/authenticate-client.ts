import type { Application } from './application.js';
import { invalidClient, invalidRequest } from '../errors/oauth-error.js';
import type { ServerContext } from '../server-context.js';
import { matchesDigest } from '../tokens/opaque-token.js';
import { assertionClientId, assertionMethod, jwtBearerAssertionType, verifyClientAssertion } from './client-assertion.js';
import { issuerFor } from './issuer.js';

/** The client credentials of a request and how they were sent. */
export interface ClientCredentials {
  readonly clientId: string;
  readonly method: 'client_secret_basic' | 'client_secret_post' | 'client_secret_jwt' | 'private_key_jwt' | 'none';
  readonly clientSecret?: string;
  readonly assertion?: string;
}

// RFC 6749 §2.3.1: id and secret are form-encoded before Basic encoding. Like authentik, a raw
// `+` stays `+`: clients that skip the encoding are far more common than secrets with spaces.
// RFC 6749 Appendix A.1/A.2: client_id and client_secret are VSCHAR (%x20-7E).
function decodeBasicPart(value: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(value);
  } catch {
    throw invalidRequest('the Authorization header is not valid Basic credentials');
  }
  if (!/^[\x20-\x7e]*$/.test(decoded)) throw invalidRequest('the Authorization header is not valid Basic credentials');
  return decoded;
}

function readBasic(params: Readonly<Record<string, string | undefined>>, authorization: string): ClientCredentials {
  const basic = authorization.match(/^Basic\s+([A-Za-z0-9+/=]+)\s*$/i);
  const decoded = basic ? Buffer.from(basic[1]!, 'base64').toString('utf8') : '';
  const colon = decoded.indexOf(':');
  if (colon < 1) throw invalidClient('the Authorization header is not valid Basic credentials');
  // RFC 6749 §2.3: a client MUST NOT use more than one authentication method per request.
  if (params['client_secret'] !== undefined || params['client_assertion'] !== undefined) {
    throw invalidRequest('client credentials sent both in the header and in the body');
  }
  const clientId = decodeBasicPart(decoded.slice(0, colon));
  if (params['client_id'] !== undefined && params['client_id'] !== clientId) {
    throw invalidRequest('client_id in the body does not match the Authorization header');
  }
  return { clientId, clientSecret: decodeBasicPart(decoded.slice(colon + 1)), method: 'client_secret_basic' };
}

function readAssertion(params: Readonly<Record<string, string | undefined>>): ClientCredentials {
  if (params['client_assertion_type'] !== jwtBearerAssertionType) throw invalidRequest('unsupported client_assertion_type');
  const assertion = params['client_assertion'];
  if (!assertion) throw invalidRequest('client_assertion is required with client_assertion_type');
  if (params['client_secret'] !== undefined) throw invalidRequest('client credentials sent both as a secret and as an assertion');
  const claimed = assertionClientId(assertion);
  const clientId = params['client_id'] ?? claimed;
  if (!clientId || (claimed !== undefined && claimed !== clientId)) throw invalidClient('the client assertion does not name this client');
  return { clientId, assertion, method: assertionMethod(assertion) };
}

function readCredentials(params: Readonly<Record<string, string | undefined>>, authorization: string | undefined): ClientCredentials | null {
  if (authorization !== undefined && /^Basic\b/i.test(authorization)) return readBasic(params, authorization);
  if (params['client_assertion_type'] !== undefined || params['client_assertion'] !== undefined) return readAssertion(params);
  const clientId = params['client_id'];
  if (!clientId) return null;
  const clientSecret = params['client_secret'];
  return clientSecret === undefined ? { clientId, method: 'none' } : { clientId, clientSecret, method: 'client_secret_post' };
}

// A request's credentials are read by the rate limits, the endpoint and the grant: once is enough.
const readEarlier = new WeakMap<object, { readonly authorization: string | undefined; readonly credentials: ClientCredentials | null }>();

/**
 * Reads client credentials (RFC 6749 §2.3, RFC 7523 §2.2): the `Authorization: Basic` header, a
 * JWT `client_assertion`, `client_secret` in the body, or `client_id` alone.
 */
export function readClientCredentials(
  params: Readonly<Record<string, string | undefined>>,
  authorization: string | undefined,
): ClientCredentials | null {
  const earlier = readEarlier.get(params);
  if (earlier && earlier.authorization === authorization) return earlier.credentials;
  const credentials = readCredentials(params, authorization);
  readEarlier.set(params, { authorization, credentials });
  return credentials;
}

/** The audiences a client assertion may name: the token endpoint, the issuer, the server itself. */
export function assertionAudiences(settings: ServerContext['settings'], application: Application): string[] {
  const token = `${settings.baseUrl}/application/o/token/`;
  return [token, token.slice(0, -1), issuerFor(application, settings.baseUrl), settings.baseUrl, `${settings.baseUrl}/`];
}

/**
 * Authenticates the client of a request (RFC 6749 §2.3, OIDC Core §9): confidential clients by
 * secret (Basic or post, compared as digests in constant time) or by a JWT assertion
 * (`client_secret_jwt`, `private_key_jwt`, as registered); public clients by `client_id` alone,
 * which the grants then bind with PKCE.
 */
export async function authenticateClient(
  context: Pick<ServerContext, 'stores' | 'codes' | 'clock' | 'keySets' | 'settings'>,
  credentials: ClientCredentials | null,
): Promise<Application> {
  if (!credentials) throw invalidClient('client authentication is required');
  const application = await context.stores.applications.findByClientId(credentials.clientId);
  if (!application) throw invalidClient('client authentication failed', { detail: `unknown client_id ${credentials.clientId}` });
  if (application.clientType === 'public') {
    if (!credentials.clientSecret && !credentials.assertion) return application;
    throw invalidClient('public clients authenticate with client_id only', { detail: `${credentials.method} sent by a public client` });
  }
  if (credentials.assertion !== undefined) {
    await verifyClientAssertion(context, application, credentials.assertion, assertionAudiences(context.settings, application));
    return application;
  }
  if (application.tokenEndpointAuthMethod === 'client_secret_jwt' || application.tokenEndpointAuthMethod === 'private_key_jwt') {
    throw invalidClient('client authentication failed', { detail: `${credentials.method} used by a client registered for ${application.tokenEndpointAuthMethod}` });
  }
  if (credentials.clientSecret === undefined || application.clientSecretDigest === null) {
    throw invalidClient('client authentication is required');
  }
  if (!matchesDigest(credentials.clientSecret, application.clientSecretDigest)) {
    throw invalidClient('client authentication failed', { detail: `wrong secret for ${credentials.clientId}` });
  }
  return application;
}
