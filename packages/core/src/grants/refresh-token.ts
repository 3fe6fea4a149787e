import { isAuthorized } from '../authorize/access-policy.js';
import { invalidGrant, invalidRequest, invalidScope } from '../errors/oauth-error.js';
import { parseScope } from '../scopes/scopes.js';
import type { ServerContext } from '../server-context.js';
import type { Grant } from '../storage/grant-store.js';
import type { RefreshTokenRecord } from '../storage/refresh-token-store.js';
import { issueTokens } from '../tokens/issue-tokens.js';
import { digestToken } from '../tokens/opaque-token.js';
import { successorRefreshToken } from '../tokens/refresh-token.js';
import { isUsable, type User } from '../users/user.js';
import { revokeGrant } from './revoke-grant.js';
import type { TokenGrantHandler, TokenRequest } from './token-grant-handler.js';

type Context = Pick<ServerContext, 'stores' | 'keys' | 'clock' | 'settings' | 'scopeMappings' | 'hooks'>;

/** The presented token's record, if it is this client's and still alive. */
async function findToken(context: Context, request: TokenRequest, presented: string): Promise<RefreshTokenRecord> {
  const record = await context.stores.refreshTokens.find(digestToken(presented), context.clock.now());
  if (!record || record.applicationId !== request.application.id) throw invalidGrant('the refresh token is invalid or has expired');
  if (record.revokedAt !== null) {
    await context.stores.events.record({
      action: 'suspicious_request',
      at: context.clock.now(),
      applicationId: request.application.id,
      requestId: request.requestId,
      context: { reason: 'revoked refresh token used', grantId: record.grantId },
    });
    throw invalidGrant('the refresh token has been revoked');
  }
  return record;
}

async function findGrantAndUser(context: Context, record: RefreshTokenRecord): Promise<{ grant: Grant; user: User }> {
  const grant = await context.stores.grants.find(record.grantId);
  if (!grant || grant.revokedAt !== null) throw invalidGrant('the grant of this refresh token has been revoked');
  const user = await context.stores.users.find(record.userId);
  if (!isUsable(user, context.clock.now())) throw invalidGrant('the user of this refresh token is no longer active');
  return { grant, user };
}

// RFC 6749 §6: a narrower scope applies to the new access token; a wider one is refused.
function requestedScopes(request: TokenRequest, record: RefreshTokenRecord): readonly string[] {
  const requested = parseScope(request.params['scope']);
  if (requested.length === 0) return record.scopes;
  const wider = requested.filter((scope) => !record.scopes.includes(scope));
  if (wider.length > 0) throw invalidScope(`the refresh token was not granted ${wider.join(' ')}`);
  return requested;
}

/**
 * Rotation (RFC 9700 §4.14.2): the successor of the presented token, or undefined when the token
 * is not due for rotation yet. A token rotated earlier is a replay unless the rotation is within
 * the grace window, where the concurrent caller gets the same successor.
 */
async function rotate(context: Context, request: TokenRequest, presented: string, record: RefreshTokenRecord, grant: Grant): Promise<string | undefined> {
  const now = context.clock.now();
  const successor = successorRefreshToken(context, presented, request.application, grant, record);
  const threshold = request.application.refreshTokenThresholdSeconds;
  if (record.rotatedAt === null) {
    if (threshold > 0 && record.expiresAt - now >= threshold) return undefined;
    const rotation = await context.stores.refreshTokens.rotate(record.tokenDigest, successor.record, now);
    if (rotation?.rotated) return successor.token;
    if (!rotation || rotation.previous.revokedAt !== null || rotation.previous.rotatedAt === null) {
      throw invalidGrant('the refresh token has been revoked');
    }
    record = rotation.previous;
  }
  const grace = context.settings.refreshTokenGraceSeconds;
  if (grace > 0 && now - record.rotatedAt! <= grace && record.replacedBy === successor.record.tokenDigest) {
    return successor.token;
  }
  await revokeGrant(context, record.grantId, { action: 'refresh_token_reused', applicationId: request.application.id, requestId: request.requestId });
  throw invalidGrant('the refresh token was already used');
}

/** The refresh token grant (RFC 6749 §6, OIDC Core §12), with rotation and reuse detection. */
export const refreshTokenGrant = {
  grantType: 'refresh_token',
  parameters: ['refresh_token', 'scope'],
  async handle(request: TokenRequest, context: Context) {
    const presented = request.params['refresh_token'];
    if (!presented) throw invalidRequest('refresh_token is required');
    const record = await findToken(context, request, presented);
    const { grant, user } = await findGrantAndUser(context, record);
    const scopes = requestedScopes(request, record);
    const allowed = await isAuthorized(context, {
      user,
      application: request.application,
      scopes,
      grantType: 'refresh_token',
      codeVerifier: undefined,
      jwt: undefined,
      redirectUri: undefined,
    }, request.requestId);
    if (!allowed) throw invalidGrant('the user may not use this application with these scopes');
    const refreshToken = await rotate(context, request, presented, record, grant);
    // OIDC Core §12.2: a new ID token keeps the original auth_time and carries no nonce.
    const tokens = await issueTokens(context, {
      application: request.application,
      user,
      grant: { ...grant, scopes },
      nonce: null,
      requestId: request.requestId,
      ...(refreshToken !== undefined ? { refreshToken } : {}),
    });
    return { ...tokens, userId: user.id };
  },
} satisfies TokenGrantHandler;
