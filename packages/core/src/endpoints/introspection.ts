import type { Application } from '../clients/application.js';
import { authenticateClient, readClientCredentials } from '../clients/authenticate-client.js';
import { issuerFor } from '../clients/issuer.js';
import { type EndpointResponse, errorResponse, noStore } from '../endpoint-response.js';
import { invalidClient, invalidRequest, toOAuthError } from '../errors/oauth-error.js';
import { checkParams, tokenLookupSyntax } from '../params/param-syntax.js';
import { formatScope } from '../scopes/scopes.js';
import type { ServerContext } from '../server-context.js';
import { digestToken } from '../tokens/opaque-token.js';
import { verifyAccessToken } from '../tokens/verify-access-token.js';
import { subjectFor } from '../users/subject.js';
import { isUsable } from '../users/user.js';

export interface IntrospectionInput {
  readonly params: Readonly<Record<string, string | undefined>>;
  readonly authorization: string | undefined;
  readonly requestId: string;
}

/** A bearer token with this scope may introspect, like a confidential client (RFC 7662 §2.1). */
export const introspectionScope = 'gatehouse:introspect';

const inactive: EndpointResponse = { status: 200, headers: noStore, body: { active: false } };

/** Who asks: a confidential client, or the application of a bearer token with the introspection scope. */
async function caller(context: ServerContext, input: IntrospectionInput): Promise<Application> {
  const bearer = input.authorization?.match(/^Bearer +(\S+) *$/i)?.[1];
  if (bearer !== undefined) {
    const { application, record } = await verifyAccessToken(context, bearer).catch(() => {
      throw invalidClient('the bearer token is invalid');
    });
    // Like at userinfo: the token of a deactivated (or expired) account is no credential any more.
    if (!isUsable(await context.stores.users.find(record.userId), context.clock.now())) throw invalidClient('the bearer token is invalid');
    if (!record.scopes.includes(introspectionScope)) throw invalidClient(`the bearer token lacks the ${introspectionScope} scope`);
    return application;
  }
  const application = await authenticateClient(context, readClientCredentials(input.params, input.authorization));
  // RFC 7662 §4: public clients cannot be trusted with what a token is worth.
  if (application.clientType !== 'confidential') throw invalidClient('public clients may not introspect tokens');
  return application;
}

// The caller's own tokens, and those of applications it federates with (DESIGN.md §6).
const mayRead = (caller: Application, owner: Application) => owner.id === caller.id || caller.jwtFederationProviders.includes(owner.slug);

async function describe(context: ServerContext, owner: Application, userId: string, scopes: readonly string[], extra: Record<string, unknown>) {
  const user = await context.stores.users.find(userId);
  if (!isUsable(user, context.clock.now())) return null;
  return {
    active: true,
    scope: formatScope(scopes),
    client_id: owner.clientId,
    username: user.username,
    sub: subjectFor(owner, user, context.settings.subjectSalt),
    aud: owner.clientId,
    iss: issuerFor(owner, context.settings.baseUrl),
    ...extra,
  };
}

async function asAccessToken(context: ServerContext, reader: Application, token: string) {
  try {
    const { application, record } = await verifyAccessToken(context, token);
    if (!mayRead(reader, application)) return null;
    return await describe(context, application, record.userId, record.scopes, { token_type: 'Bearer', exp: record.expiresAt, iat: record.issuedAt, jti: record.jti });
  } catch {
    return null;
  }
}

/** The application with this id, if the reader may read its tokens: itself or one it federates with. */
async function readableOwner(context: ServerContext, reader: Application, applicationId: string): Promise<Application | null> {
  if (reader.id === applicationId) return reader;
  for (const slug of reader.jwtFederationProviders) {
    const application = await context.stores.applications.findBySlug(slug);
    if (application?.id === applicationId) return application;
  }
  return null;
}

async function asRefreshToken(context: ServerContext, reader: Application, token: string) {
  const record = await context.stores.refreshTokens.find(digestToken(token), context.clock.now());
  // A rotated token is spent: only the current token of a family is active.
  if (!record || record.revokedAt !== null || record.rotatedAt !== null) return null;
  const [application, grant] = await Promise.all([readableOwner(context, reader, record.applicationId), context.stores.grants.find(record.grantId)]);
  if (!application || !grant || grant.revokedAt !== null) return null;
  return describe(context, application, record.userId, record.scopes, { token_type: 'refresh_token', exp: record.expiresAt, iat: record.issuedAt });
}

/**
 * The introspection endpoint (RFC 7662): what a token is, for the clients allowed to know.
 * Anything else, revoked and expired tokens included, is `{"active":false}` (§2.2).
 */
export async function introspection(context: ServerContext, input: IntrospectionInput): Promise<EndpointResponse> {
  try {
    checkParams(tokenLookupSyntax, input.params);
    const reader = await caller(context, input);
    const token = input.params['token'];
    if (!token) throw invalidRequest('token is required');
    const lookups = input.params['token_type_hint'] === 'refresh_token' ? [asRefreshToken, asAccessToken] : [asAccessToken, asRefreshToken];
    for (const lookup of lookups) {
      const body = await lookup(context, reader, token);
      if (body) return { status: 200, headers: noStore, body };
    }
    return inactive;
  } catch (error) {
    return errorResponse(toOAuthError(error), input.requestId);
  }
}
