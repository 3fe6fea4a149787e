import { isAuthorized } from '../authorize/access-policy.js';
import { authorizationCodeKey, type AuthorizationCode } from '../authorize/authorization-code.js';
import { OAuthError, invalidGrant, invalidRequest } from '../errors/oauth-error.js';
import { verifyCodeVerifier } from '../pkce.js';
import type { ServerContext } from '../server-context.js';
import type { Consumed } from '../storage/code-cache.js';
import type { Grant } from '../storage/grant-store.js';
import type { RefreshTokenRecord } from '../storage/refresh-token-store.js';
import { isUsable, type User } from '../users/user.js';
import { issueTokens, recordingAlongside, recordingNewGrant, type IssueTokensInput } from '../tokens/issue-tokens.js';
import { newRefreshToken } from '../tokens/refresh-token.js';
import { revokeGrant } from './revoke-grant.js';
import type { TokenGrantHandler, TokenRequest } from './token-grant-handler.js';

type Context = Pick<ServerContext, 'codes' | 'stores' | 'keys' | 'clock' | 'settings' | 'scopeMappings' | 'hooks'>;

/**
 * Why an exchange gave up: the code had been redeemed already (its grant was recorded, or the code
 * used up, by another exchange). Nothing of this exchange stays; the replay is answered after it.
 */
class CodeAlreadyUsed extends Error {}

/**
 * The lock of one grant. A hybrid code's redemption, which adds tokens to a grant that exists, and
 * every replay take it, so a replay arriving while that redemption is still being recorded waits for
 * it to commit, and then revokes what it recorded instead of missing it.
 */
const grantLock = (grantId: string): string => `gatehouse:grant:${grantId}`;

/**
 * The code's entry, read without consuming it: a code is consumed when the exchange is refused, or
 * once its grant and tokens are recorded, so an exchange that fails for a backend outage leaves it
 * redeemable.
 */
async function findCode(context: Context, request: TokenRequest): Promise<{ key: string; code: AuthorizationCode }> {
  const code = request.params['code'];
  if (!code) throw invalidRequest('code is required');
  const key = authorizationCodeKey(code);
  const value = await context.codes.find<AuthorizationCode>(key);
  if (!value) throw invalidGrant('the authorization code is invalid or has expired');
  return { key, code: value };
}

/** Takes the code out of the cache; exactly one of concurrent redemptions gets it fresh. */
async function consumeCode(context: Context, key: string): Promise<void> {
  const consumed = await context.codes.consume<AuthorizationCode>(key);
  if (!consumed) throw invalidGrant('the authorization code is invalid or has expired');
  if (consumed.alreadyConsumed) throw new CodeAlreadyUsed();
}

/**
 * A refused exchange (wrong client, redirect URI or verifier, inactive user, policy) uses the code
 * up all the same, as a redemption would; one that turns out to be a replay is answered as such.
 */
async function useUp(context: Context, key: string, code: AuthorizationCode, request: TokenRequest): Promise<void> {
  const consumed = await context.codes.consume<AuthorizationCode>(key);
  if (consumed?.alreadyConsumed) await revokeReplayed(context, code, request);
}

/** The user the tokens are for, once the code is shown to be this client's to redeem. */
async function checkRedemption(context: Context, request: TokenRequest, key: string, code: AuthorizationCode): Promise<User> {
  try {
    checkBinding(code, request);
    verifyCodeVerifier(code.pkce, request.params['code_verifier']);
    const user = await findActiveUser(context, code.userId);
    await checkPolicy(context, request, code, user);
    return user;
  } catch (error) {
    // Refusals (4xx) use the code up; an outage (503) or a fault leaves it for the retry.
    if (error instanceof OAuthError && error.status < 500) await useUp(context, key, code, request);
    throw error;
  }
}

/** RFC 6749 §4.1.2: a second use revokes everything the first one minted, under the grant's lock. */
async function revokeReplayed(context: Context, code: AuthorizationCode, request: TokenRequest): Promise<never> {
  await context.stores.transaction(
    (stores) =>
      revokeGrant({ ...context, stores }, code.grantId, {
        action: 'authorization_code_replayed',
        applicationId: code.applicationId,
        requestId: request.requestId,
      }),
    { exclusive: grantLock(code.grantId) },
  );
  throw invalidGrant('the authorization code was already used');
}

// RFC 6749 §4.1.3: the code was issued to this client, for this redirect URI; `redirect_uri` is
// required when the authorization request included it, and checked whenever it is sent.
function checkBinding(code: AuthorizationCode, request: TokenRequest): void {
  if (code.applicationId !== request.application.id) throw invalidGrant('the authorization code was issued to another client');
  const sent = request.params['redirect_uri'];
  if (sent === undefined ? code.redirectUriImplied !== true : sent !== code.redirectUri) {
    throw invalidGrant('redirect_uri does not match the one of the authorization request');
  }
}

// The policies are asked again: group membership or the hook's answer may have changed since.
async function checkPolicy(context: Context, request: TokenRequest, code: AuthorizationCode, user: User): Promise<void> {
  const allowed = await isAuthorized(context, {
    user,
    application: request.application,
    scopes: code.scopes,
    grantType: 'authorization_code',
    codeVerifier: request.params['code_verifier'],
    jwt: undefined,
    redirectUri: code.redirectUri,
  }, request.requestId);
  if (!allowed) throw invalidGrant('the user may not use this application with these scopes');
}

async function findActiveUser(context: Context, userId: string) {
  const user = await context.stores.users.find(userId);
  if (!isUsable(user, context.clock.now())) throw invalidGrant('the user of this authorization code is no longer active');
  return user;
}

function grantOf(code: AuthorizationCode, now: number): Grant {
  return {
    id: code.grantId,
    applicationId: code.applicationId,
    userId: code.userId,
    scopes: code.scopes,
    authTime: code.authTime,
    nonce: code.nonce,
    amr: code.amr,
    sid: code.sid,
    createdAt: now,
    revokedAt: null,
  };
}

/**
 * The tokens a code yields, with a refresh token when the grant includes offline_access (OIDC Core
 * §11); `record` writes their records, given the refresh token's.
 */
function tokensOfCode(
  context: Context,
  request: TokenRequest,
  code: AuthorizationCode,
  user: User,
  grant: Grant,
  record: (refreshToken: RefreshTokenRecord | undefined) => IssueTokensInput['record'],
) {
  const refresh = grant.scopes.includes('offline_access') ? newRefreshToken(context, request.application, grant) : undefined;
  return issueTokens(context, {
    application: request.application,
    user,
    grant,
    nonce: code.nonce,
    requestId: request.requestId,
    record: record(refresh?.record),
    ...(refresh ? { refreshToken: refresh.token } : {}),
  });
}

/**
 * A code whose grant this exchange creates (the common case): the grant and its first tokens are
 * recorded in one step, which of concurrent redemptions exactly one achieves (the grant bears the
 * code's id), and only then is the code used up. A replay therefore never finds the code used before
 * what it must revoke is recorded, and no unit of work or lock is held across the code cache.
 */
async function redeemNewGrant(context: Context, request: TokenRequest, key: string, code: AuthorizationCode, user: User, grant: Grant) {
  const tokens = await tokensOfCode(context, request, code, user, grant, (refreshToken) =>
    recordingNewGrant(context.stores, grant, refreshToken, () => new CodeAlreadyUsed()),
  );
  let consumed: Consumed<AuthorizationCode> | null;
  try {
    consumed = await context.codes.consume<AuthorizationCode>(key);
  } catch (error) {
    // The code cache failed: forget what was recorded, so the client's retry is not a replay.
    await context.stores.grants.discard(grant.id).catch(() => undefined);
    throw error;
  }
  if (!consumed) {
    // Expired in the meantime: nothing was handed out, nothing stays.
    await context.stores.grants.discard(grant.id);
    throw invalidGrant('the authorization code is invalid or has expired');
  }
  // A refused exchange of the same code used it up meanwhile: it was a replay after all.
  if (consumed.alreadyConsumed) throw new CodeAlreadyUsed();
  return { ...tokens, userId: user.id };
}

/**
 * A code whose grant exists already (hybrid flow: the front channel's tokens created it): its
 * tokens are added in a unit of work that uses the code up too, under the grant's lock, which
 * replays take as well.
 */
async function redeemCreatedGrant(context: Context, request: TokenRequest, key: string, code: AuthorizationCode, user: User, grant: Grant) {
  const tokens = await tokensOfCode(context, request, code, user, grant, (refreshToken) =>
    recordingAlongside(
      context.stores,
      async (locked) => {
        if (refreshToken) await locked.refreshTokens.create(refreshToken);
        await consumeCode(context, key);
      },
      { exclusive: grantLock(grant.id) },
    ),
  );
  return { ...tokens, userId: user.id };
}

/** The token half of the authorization code grant (RFC 6749 §4.1.3, OIDC Core §3.1.3). */
export const authorizationCodeGrant = {
  grantType: 'authorization_code',
  parameters: ['code', 'redirect_uri', 'code_verifier'],
  async handle(request: TokenRequest, context: Context) {
    const { key, code } = await findCode(context, request);
    const user = await checkRedemption(context, request, key, code);
    const grant = grantOf(code, context.clock.now());
    try {
      return await (code.grantCreated ? redeemCreatedGrant : redeemNewGrant)(context, request, key, code, user, grant);
    } catch (error) {
      if (error instanceof CodeAlreadyUsed) return revokeReplayed(context, code, request);
      throw error;
    }
  },
} satisfies TokenGrantHandler;
