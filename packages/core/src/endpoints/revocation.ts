import { authenticateClient, readClientCredentials } from '../clients/authenticate-client.js';
import { type EndpointResponse, errorResponse, noStore } from '../endpoint-response.js';
import { invalidRequest, toOAuthError } from '../errors/oauth-error.js';
import { revokeGrant } from '../grants/revoke-grant.js';
import { checkParams, tokenLookupSyntax } from '../params/param-syntax.js';
import type { ServerContext } from '../server-context.js';
import { digestToken } from '../tokens/opaque-token.js';
import { verifyAccessToken } from '../tokens/verify-access-token.js';

export interface RevocationInput {
  readonly params: Readonly<Record<string, string | undefined>>;
  readonly authorization: string | undefined;
  readonly requestId: string;
}

type Context = Parameters<typeof authenticateClient>[0] & Pick<ServerContext, 'keys'>;

/** A refresh token of this client: revoking it ends its grant, access tokens included (RFC 7009 §2.1). */
async function revokeRefreshToken(context: Context, token: string, applicationId: string, requestId: string): Promise<boolean> {
  const record = await context.stores.refreshTokens.find(digestToken(token), context.clock.now());
  if (!record) return false;
  // Already revoked: nothing to do, and no second `token_revoked` event for a no-op.
  if (record.applicationId === applicationId && record.revokedAt === null) {
    await revokeGrant(context, record.grantId, { action: 'refresh_token_revoked', applicationId, requestId, suspicious: false });
  }
  return true;
}

/** An access token of this client: only that token, recorded as `token_revoked`. */
async function revokeAccessToken(context: Context, token: string, applicationId: string, requestId: string): Promise<boolean> {
  let record: Awaited<ReturnType<typeof verifyAccessToken>>['record'];
  try {
    ({ record } = await verifyAccessToken(context, token));
  } catch {
    return false;
  }
  if (record.applicationId !== applicationId) return true;
  const at = context.clock.now();
  await context.stores.accessTokens.revoke(record.jti, at);
  await context.stores.events.record({
    action: 'token_revoked',
    at,
    applicationId,
    userId: record.userId,
    requestId,
    context: { reason: 'access_token_revoked', jti: record.jti },
  });
  return true;
}

/**
 * The revocation endpoint (RFC 7009). `token_type_hint` only decides which kind is looked up
 * first (§2.1); another client's token, an unknown or an already invalid token all answer 200,
 * so a caller learns nothing about tokens that are not its own (§2.2).
 */
export async function revocation(context: Context, input: RevocationInput): Promise<EndpointResponse> {
  try {
    checkParams(tokenLookupSyntax, input.params);
    const application = await authenticateClient(context, readClientCredentials(input.params, input.authorization));
    const token = input.params['token'];
    if (!token) throw invalidRequest('token is required');
    const refreshFirst = input.params['token_type_hint'] === 'refresh_token';
    const tries = refreshFirst
      ? [() => revokeRefreshToken(context, token, application.id, input.requestId), () => revokeAccessToken(context, token, application.id, input.requestId)]
      : [() => revokeAccessToken(context, token, application.id, input.requestId), () => revokeRefreshToken(context, token, application.id, input.requestId)];
    for (const attempt of tries) if (await attempt()) break;
    return { status: 200, headers: noStore, body: {} };
  } catch (error) {
    return errorResponse(toOAuthError(error), input.requestId);
  }
}
