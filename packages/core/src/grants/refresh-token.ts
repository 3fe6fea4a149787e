import { isAuthorized } from '../authorize/access-policy.js';
import { invalidGrant, invalidRequest, invalidScope } from '../errors/oauth-error.js';
import { parseScope } from '../scopes/scopes.js';
import type { ServerContext } from '../server-context.js';
import type { Grant } from '../storage/grant-store.js';
import type { RefreshTokenRecord } from '../storage/refresh-token-store.js';
import { issueTokens, recordingAlongside, type IssueTokensInput } from '../tokens/issue-tokens.js';
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

/** Another request rotated the token between our read and our write. */
class RotationLost extends Error {
  constructor(readonly previous: RefreshTokenRecord | null) {
    super('refresh token rotated concurrently');
  }
}

/**
 * A token rotated earlier (RFC 9700 §4.14.2): within the grace window the concurrent caller gets
 * the same successor; after it, the presented token is a replay and the whole grant is revoked.
 */
async function afterRotation(context: Context, request: TokenRequest, record: RefreshTokenRecord, successorDigest: string): Promise<void> {
  const grace = context.settings.refreshTokenGraceSeconds;
  if (grace > 0 && context.clock.now() - record.rotatedAt! <= grace && record.replacedBy === successorDigest) return;
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
    const now = context.clock.now();
    // Derived only where a successor is handed out: an HMAC a non-rotating refresh does not need.
    const successorOf = () => successorRefreshToken(context, presented, request.application, grant, record);
    // OIDC Core §12.2: a new ID token keeps the original auth_time and carries no nonce.
    const issue = (refreshToken: string | undefined, record?: IssueTokensInput['record']) =>
      issueTokens(context, {
        application: request.application,
        user,
        grant: { ...grant, scopes },
        nonce: null,
        requestId: request.requestId,
        ...(refreshToken !== undefined ? { refreshToken } : {}),
        ...(record ? { record } : {}),
      });
    let tokens;
    if (record.rotatedAt !== null) {
      const successor = successorOf();
      await afterRotation(context, request, record, successor.record.tokenDigest);
      tokens = await issue(successor.token);
    } else if (request.application.refreshTokenThresholdSeconds > 0 && record.expiresAt - now >= request.application.refreshTokenThresholdSeconds) {
      tokens = await issue(undefined);
    } else {
      const successor = successorOf();
      try {
        // The rotation commits with the new access token's record, or not at all: a retry after
        // an outage presents a token that was never rotated instead of one that looks replayed.
        tokens = await issue(successor.token, recordingAlongside(context.stores, async (stores) => {
          const rotation = await stores.refreshTokens.rotate(record.tokenDigest, successor.record, now);
          if (!rotation?.rotated) throw new RotationLost(rotation?.previous ?? null);
        }));
      } catch (error) {
        if (!(error instanceof RotationLost)) throw error;
        const previous = error.previous;
        if (!previous || previous.revokedAt !== null || previous.rotatedAt === null) throw invalidGrant('the refresh token has been revoked');
        await afterRotation(context, request, previous, successor.record.tokenDigest);
        tokens = await issue(successor.token);
      }
    }
    return { ...tokens, userId: user.id };
  },
} satisfies TokenGrantHandler;
