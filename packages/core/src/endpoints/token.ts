import { authenticateClient, readClientCredentials } from '../clients/authenticate-client.js';
import { claimedClientId } from '../clients/claimed-client-id.js';
import type { Application } from '../clients/application.js';
import { type EndpointResponse, errorResponse, noStore } from '../endpoint-response.js';
import { OAuthError, invalidClient, invalidRequest, toOAuthError } from '../errors/oauth-error.js';
import type { GrantRegistry } from '../grants/registry.js';
import { checkParams, tokenSyntax } from '../params/param-syntax.js';
import { toTokenResponseBody, type TokenGrantHandler } from '../grants/token-grant-handler.js';
import type { ServerContext } from '../server-context.js';

export interface TokenInput {
  /** Form parameters, each at most once (RFC 6749 §3.2). */
  readonly params: Readonly<Record<string, string | undefined>>;
  /** The `Authorization` header, for `client_secret_basic`. */
  readonly authorization: string | undefined;
  readonly requestId: string;
}

async function clientOf(context: ServerContext, handler: TokenGrantHandler, input: TokenInput): Promise<Application> {
  if (handler.client !== 'identify') return authenticateClient(context, readClientCredentials(input.params, input.authorization));
  const clientId = claimedClientId(input.params, input.authorization);
  if (!clientId) throw invalidClient('client_id is required');
  const application = await context.stores.applications.findByClientId(clientId);
  if (!application) throw invalidClient('client authentication failed', { detail: `unknown client_id ${clientId}` });
  return application;
}

/** The token endpoint (RFC 6749 §3.2): authenticate the client, then dispatch on `grant_type`. */
export async function token(context: ServerContext, grants: GrantRegistry, input: TokenInput): Promise<EndpointResponse> {
  try {
    checkParams(tokenSyntax, input.params);
    const grantType = input.params['grant_type'];
    if (!grantType) throw invalidRequest('grant_type is required');
    const handler = grants.get(grantType);
    if (!handler) throw new OAuthError('unsupported_grant_type', `grant_type ${grantType} is not supported`);
    const application = await clientOf(context, handler, input);
    const response = await handler.handle({ params: input.params, application, authorization: input.authorization, requestId: input.requestId }, context);
    // Written after the answer, in a batch: no database round trip on the hot path.
    context.eventBuffer.add({
      action: 'token_issued',
      at: context.clock.now(),
      applicationId: application.id,
      ...(response.userId !== undefined ? { userId: response.userId } : {}),
      requestId: input.requestId,
      context: { grantType, scopes: response.scope === '' ? [] : response.scope.split(' '), refreshToken: response.refreshToken !== undefined },
    });
    return { status: 200, headers: noStore, body: toTokenResponseBody(response) };
  } catch (error) {
    return errorResponse(toOAuthError(error), input.requestId);
  }
}
