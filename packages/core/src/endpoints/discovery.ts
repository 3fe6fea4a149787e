import type { Application } from '../clients/application.js';
import { issuerFor } from '../clients/issuer.js';
import type { EndpointResponse } from '../endpoint-response.js';
import type { GrantRegistry } from '../grants/registry.js';
import type { ServerContext } from '../server-context.js';
import type { PublicDocuments } from './public-document.js';
import { contentEncryption } from '../tokens/encrypt-jwt.js';

const notFound = (requestId: string): EndpointResponse => ({
  status: 404,
  headers: {},
  body: { error: 'invalid_request', error_description: 'no application with this slug', request_id: requestId },
});

/** Claims of every token, whatever the scopes (OIDC Core §2, RFC 9068 §2.2). */
const standardClaims = ['iss', 'sub', 'aud', 'exp', 'iat', 'auth_time', 'acr', 'amr', 'nonce', 'azp', 'sid', 'jti', 'at_hash'];

const clientAuthMethods = ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none'];

/** Where the endpoints of an application live, under the server's base URL (DESIGN.md §5). */
export function endpointUrls(baseUrl: string, slug: string) {
  return {
    authorization: `${baseUrl}/application/o/authorize/`,
    token: `${baseUrl}/application/o/token/`,
    userinfo: `${baseUrl}/application/o/userinfo/`,
    revocation: `${baseUrl}/application/o/revoke/`,
    introspection: `${baseUrl}/application/o/introspect/`,
    deviceAuthorization: `${baseUrl}/application/o/device/`,
    jwks: `${baseUrl}/application/o/${slug}/jwks/`,
    endSession: `${baseUrl}/application/o/${slug}/end-session/`,
  };
}

type Context = Pick<ServerContext, 'settings' | 'scopeMappings' | 'stores' | 'keys'>;

async function metadata(context: Context, grants: GrantRegistry, application: Application) {
  const urls = endpointUrls(context.settings.baseUrl, application.slug);
  const scopes = [...new Set(['openid', ...application.scopes])];
  const mappingClaims = scopes.flatMap((scope) => context.scopeMappings.get(scope)?.claimNames ?? []);
  const [signing, encryption] = await Promise.all([context.keys.signingKeyFor(application), context.keys.encryptionKeyFor(application)]);
  return {
    issuer: issuerFor(application, context.settings.baseUrl),
    authorization_endpoint: urls.authorization,
    token_endpoint: urls.token,
    userinfo_endpoint: urls.userinfo,
    revocation_endpoint: urls.revocation,
    introspection_endpoint: urls.introspection,
    // RFC 8628 §4.
    device_authorization_endpoint: urls.deviceAuthorization,
    jwks_uri: urls.jwks,
    response_types_supported: ['code', 'id_token', 'id_token token', 'code id_token', 'code token', 'code id_token token'],
    response_modes_supported: ['query', 'fragment', 'form_post'],
    grant_types_supported: [...grants.keys(), 'implicit'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [signing.alg],
    ...(encryption
      ? { id_token_encryption_alg_values_supported: [encryption.alg], id_token_encryption_enc_values_supported: [contentEncryption] }
      : {}),
    scopes_supported: scopes,
    claims_supported: [...new Set([...standardClaims, ...mappingClaims])],
    claim_types_supported: ['normal'],
    acr_values_supported: [context.settings.acr],
    prompt_values_supported: ['none', 'login', 'consent'],
    token_endpoint_auth_methods_supported: clientAuthMethods,
    token_endpoint_auth_signing_alg_values_supported: ['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'],
    revocation_endpoint_auth_methods_supported: clientAuthMethods,
    introspection_endpoint_auth_methods_supported: clientAuthMethods.filter((method) => method !== 'none'),
    code_challenge_methods_supported: ['S256', 'plain'],
    // RFC 9207 §3: authorization responses carry `iss`.
    authorization_response_iss_parameter_supported: true,
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
    claims_parameter_supported: false,
    // RP-Initiated Logout 1.0 §2.1; Back-Channel Logout 1.0 §2.1: logout tokens carry `sid`.
    end_session_endpoint: urls.endSession,
    backchannel_logout_supported: true,
    backchannel_logout_session_supported: true,
    ...(context.settings.uiLocales ? { ui_locales_supported: context.settings.uiLocales } : {}),
  };
}

/** What a request for a published document carries. */
export interface PublicDocumentInput {
  readonly slug: string;
  readonly requestId: string;
  /** The client's `If-None-Match`, for a 304 when its copy is current. */
  readonly ifNoneMatch?: string;
}

/** OpenID Provider metadata (OIDC Discovery §3, RFC 8414 §2) of one application. */
export function discovery(context: Context, grants: GrantRegistry, documents: PublicDocuments, input: PublicDocumentInput): Promise<EndpointResponse> {
  return documents.serve(`discovery:${input.slug}`, input.ifNoneMatch, async () => {
    const application = await context.stores.applications.findBySlug(input.slug);
    return application ? metadata(context, grants, application) : null;
  }, () => notFound(input.requestId));
}

/** The application's public keys (RFC 7517 §5); `{"keys":[]}` when it signs with HS256. */
export function jwks(context: Pick<ServerContext, 'stores' | 'keys'>, documents: PublicDocuments, input: PublicDocumentInput): Promise<EndpointResponse> {
  return documents.serve(`jwks:${input.slug}`, input.ifNoneMatch, async () => {
    const application = await context.stores.applications.findBySlug(input.slug);
    return application ? context.keys.jwksFor(application) : null;
  }, () => notFound(input.requestId));
}
