import { isAuthorized } from '../authorize/access-policy.js';
import { authorizationCodeKey, type AuthorizationCode } from '../authorize/authorization-code.js';
import { invalidGrant, invalidRequest } from '../errors/oauth-error.js';
import { verifyCodeVerifier } from '../pkce.js';
import type { ServerContext } from '../server-context.js';
import type { Grant } from '../storage/grant-store.js';
import { isUsable, type User } from '../users/user.js';
import { issueTokens } from '../tokens/issue-tokens.js';
import { newRefreshToken } from '../tokens/refresh-token.js';
import { revokeGrant } from './revoke-grant.js';
import type { TokenGrantHandler, TokenRequest } from './token-grant-handler.js';

type Context = Pick<ServerContext, 'codes' | 'stores' | 'keys' | 'clock' | 'settings' | 'scopeMappings' | 'hooks'>;

/** Takes the code out of the cache; a second use revokes everything the first one minted. */
async function consumeCode(context: Context, request: TokenRequest): Promise<AuthorizationCode> {
  const code = request.params['code'];
  if (!code) throw invalidRequest('code is required');
  const consumed = await context.codes.consume<AuthorizationCode>(authorizationCodeKey(code));
  if (!consumed) throw invalidGrant('the authorization code is invalid or has expired');
  if (consumed.alreadyConsumed) {
    await revokeGrant(context, consumed.value.grantId, {
      action: 'authorization_code_replayed',
      applicationId: consumed.value.applicationId,
      requestId: request.requestId,
    });
    throw invalidGrant('the authorization code was already used');
  }
  return consumed.value;
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
  });
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
    const code = await consumeCode(context, request);
    checkBinding(code, request);
    verifyCodeVerifier(code.pkce, request.params['code_verifier']);
    const user = await findActiveUser(context, code.userId);
    await checkPolicy(context, request, code, user);
    const grant = grantOf(code, context.clock.now());
    // OIDC Core §11: a refresh token only for a grant that includes offline_access.
    const refresh = grant.scopes.includes('offline_access') ? newRefreshToken(context, request.application, grant) : undefined;
    // The grant is written in the same transaction as its token records, or not at all.
    return issueTokens(context, {
      application: request.application,
      user,
      grant,
      nonce: code.nonce,
      requestId: request.requestId,
      alongside: async (stores) => {
        if (!code.grantCreated) await stores.grants.create(grant);
        if (refresh) await stores.refreshTokens.create(refresh.record);
      },
      ...(refresh ? { refreshToken: refresh.token } : {}),
    });
  },
} satisfies TokenGrantHandler;
