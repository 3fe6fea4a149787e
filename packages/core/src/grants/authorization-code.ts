import { isAuthorized } from '../authorize/access-policy.js';
import { authorizationCodeKey, type AuthorizationCode } from '../authorize/authorization-code.js';
import { OAuthError, invalidGrant, invalidRequest } from '../errors/oauth-error.js';
import { verifyCodeVerifier } from '../pkce.js';
import type { ServerContext } from '../server-context.js';
import type { Grant } from '../storage/grant-store.js';
import { isUsable, type User } from '../users/user.js';
import { issueTokens } from '../tokens/issue-tokens.js';
import { newRefreshToken } from '../tokens/refresh-token.js';
import { revokeGrant } from './revoke-grant.js';
import type { TokenGrantHandler, TokenRequest } from './token-grant-handler.js';

type Context = Pick<ServerContext, 'codes' | 'stores' | 'keys' | 'clock' | 'settings' | 'scopeMappings' | 'hooks'>;

/**
 * Why the unit of work that records a code's tokens gave up: the code had been redeemed already.
 * Thrown inside the transaction so that it rolls back; the replay is answered after it.
 */
class CodeAlreadyUsed extends Error {}

/**
 * The lock of one grant. The redemption that records a code's grant and tokens and every replay of
 * that code take it, so a replay arriving while the first redemption is still being recorded waits
 * for it to commit, and then revokes what it recorded instead of missing it.
 */
const grantLock = (grantId: string): string => `gatehouse:grant:${grantId}`;

/**
 * The code's entry, read without consuming it: a code is consumed when the exchange is refused,
 * or inside the transaction that records its grant and tokens, so an exchange that fails for a
 * backend outage leaves it redeemable.
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

/**
 * Puts a code consumed by an exchange that then failed back, fresh, so the client's retry works
 * (a database outage between the consume and the commit). Only for codes whose grant this exchange
 * writes: the grant's id is the code's, so should the commit have gone through after all, the retry
 * finds the grant and is refused as a replay; one code never yields two grants. A code that expired
 * meanwhile lives again for at most the code validity. Best effort: without Redis it stays consumed.
 */
async function restoreCode(context: Context, key: string, code: AuthorizationCode, request: TokenRequest): Promise<void> {
  if (code.grantCreated) return;
  await context.codes.put(key, code, request.application.accessCodeValiditySeconds).catch(() => undefined);
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

/** The token half of the authorization code grant (RFC 6749 §4.1.3, OIDC Core §3.1.3). */
export const authorizationCodeGrant = {
  grantType: 'authorization_code',
  parameters: ['code', 'redirect_uri', 'code_verifier'],
  async handle(request: TokenRequest, context: Context) {
    const { key, code } = await findCode(context, request);
    const user = await checkRedemption(context, request, key, code);
    const grant = grantOf(code, context.clock.now());
    // OIDC Core §11: a refresh token only for a grant that includes offline_access.
    const refresh = grant.scopes.includes('offline_access') ? newRefreshToken(context, request.application, grant) : undefined;
    let consumed = false;
    try {
      // The grant is written in the same transaction as its token records, or not at all, and the
      // code is consumed in it too, after the grant: consumed exactly when they are recorded.
      const tokens = await issueTokens(context, {
        application: request.application,
        user,
        grant,
        nonce: code.nonce,
        requestId: request.requestId,
        alongside: (stores) =>
          stores.transaction(
            async (locked) => {
              if (!code.grantCreated) {
                // The grant bears the code's id: once recorded, the code was redeemed.
                if (await locked.grants.find(grant.id)) throw new CodeAlreadyUsed();
                await locked.grants.create(grant);
              }
              if (refresh) await locked.refreshTokens.create(refresh.record);
              await consumeCode(context, key);
              consumed = true;
            },
            { exclusive: grantLock(grant.id) },
          ),
        ...(refresh ? { refreshToken: refresh.token } : {}),
      });
      return { ...tokens, userId: user.id };
    } catch (error) {
      if (error instanceof CodeAlreadyUsed) return revokeReplayed(context, code, request);
      if (consumed) await restoreCode(context, key, code, request);
      throw error;
    }
  },
} satisfies TokenGrantHandler;
