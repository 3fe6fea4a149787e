import { authenticateClient, readClientCredentials } from '../clients/authenticate-client.js';
import { assertionClientId } from '../clients/client-assertion.js';
import type { Application } from '../clients/application.js';
import { type EndpointResponse, errorResponse, noStore } from '../endpoint-response.js';
import { OAuthError, invalidClient, invalidRequest, toOAuthError } from '../errors/oauth-error.js';
import type { GrantRegistry } from '../grants/registry.js';
import { toTokenResponseBody, type TokenGrantHandler } from '../grants/token-grant-handler.js';
import type { ServerContext } from '../server-context.js';

export interface TokenInput {
  /** Form parameters, each at most once (RFC 6749 §3.2). */
  readonly params: Readonly<Record<string, string | undefined>>;
  /** The `Authorization` header, for `client_secret_basic`. */
  readonly authorization: string | undefined;
  readonly requestId: string;
}

// The client a request names, without checking its credentials; machine clients may send
// credentials in shapes that are not client authentication (a JWT or user:token as secret).
function namedClientId(input: TokenInput): string | undefined {
  try {
    return readClientCredentials(input.params, input.authorization)?.clientId;
  } catch {
    const assertion = input.params['client_assertion'] ?? input.params['client_secret'];
    return input.params['client_id'] ?? (assertion ? assertionClientId(assertion) : undefined);
  }
}

async function clientOf(context: ServerContext, handler: TokenGrantHandler, input: TokenInput): Promise<Application> {
  if (handler.client !== 'identify') return authenticateClient(context, readClientCredentials(input.params, input.authorization));
  const clientId = namedClientId(input);
  if (!clientId) throw invalidClient('client_id is required');
  const application = await context.stores.applications.findByClientId(clientId);
  if (!application) throw invalidClient('client authentication failed', { detail: `unknown client_id ${clientId}` });
  return application;
}

/** The token endpoint (RFC 6749 §3.2): authenticate the client, then dispatch on `grant_type`. */
export async function token(context: ServerContext, grants: GrantRegistry, input: TokenInput): Promise<EndpointResponse> {
  try {
    const grantType = input.params['grant_type'];
    if (!grantType) throw invalidRequest('grant_type is required');
    const handler = grants.get(grantType);
    if (!handler) throw new OAuthError('unsupported_grant_type', `grant_type ${grantType} is not supported`);
    const application = await clientOf(context, handler, input);
    const response = await handler.handle({ params: input.params, application, authorization: input.authorization, requestId: input.requestId }, context);
    return { status: 200, headers: noStore, body: toTokenResponseBody(response) };
  } catch (error) {
    return errorResponse(toOAuthError(error), input.requestId);
  }
}
