import { authenticateClient } from '../clients/authenticate-client.js';
import { type EndpointResponse, errorResponse, noStore } from '../endpoint-response.js';
import { OAuthError, invalidRequest, toOAuthError } from '../errors/oauth-error.js';
import type { GrantRegistry } from '../grants/registry.js';
import { toTokenResponseBody } from '../grants/token-grant-handler.js';
import type { ServerContext } from '../server-context.js';

export interface TokenInput {
  /** Form parameters, each at most once (RFC 6749 §3.2). */
  readonly params: Readonly<Record<string, string | undefined>>;
  /** The `Authorization` header, for `client_secret_basic`. */
  readonly authorization: string | undefined;
  readonly requestId: string;
}

/** The token endpoint (RFC 6749 §3.2): authenticate the client, then dispatch on `grant_type`. */
export async function token(context: ServerContext, grants: GrantRegistry, input: TokenInput): Promise<EndpointResponse> {
  try {
    const grantType = input.params['grant_type'];
    if (!grantType) throw invalidRequest('grant_type is required');
    const handler = grants.get(grantType);
    if (!handler) throw new OAuthError('unsupported_grant_type', `grant_type ${grantType} is not supported`);
    const application = await authenticateClient(context.stores.applications, input.params, input.authorization);
    const response = await handler.handle({ params: input.params, application, requestId: input.requestId }, context);
    return { status: 200, headers: noStore, body: toTokenResponseBody(response) };
  } catch (error) {
    return errorResponse(toOAuthError(error), input.requestId);
  }
}
