import type { JWTPayload } from 'jose';
import type { Application } from '../clients/application.js';
import { issuerFor } from '../clients/issuer.js';
import type { TokenResponse } from '../grants/token-grant-handler.js';
import { resolveClaims } from '../scopes/resolve-claims.js';
import { formatScope } from '../scopes/scopes.js';
import type { ServerContext } from '../server-context.js';
import type { Grant } from '../storage/grant-store.js';
import type { Stores } from '../storage/stores.js';
import { subjectFor } from '../users/subject.js';
import type { User } from '../users/user.js';
import { randomToken } from './opaque-token.js';
import { signJwt } from './sign-jwt.js';
import { tokenHash } from './token-hash.js';

export interface IssueTokensInput {
  readonly application: Application;
  readonly user: User;
  readonly grant: Grant;
  /** OIDC Core §3.1.3.6: the nonce of the authorization request goes into the ID token. */
  readonly nonce: string | null;
  /**
   * Writes of the grant that must land together with the token records (creating the grant,
   * rotating a refresh token), run in the same transaction.
   */
  readonly alongside?: (stores: Stores) => Promise<void>;
}

/**
 * Mints the access token (an RFC 9068 JWT with a server-side record for revocation) and, when
 * `openid` was granted, the ID token (OIDC Core §2) of one grant.
 */
export async function issueTokens(
  context: Pick<ServerContext, 'stores' | 'keys' | 'clock' | 'settings' | 'scopeMappings'>,
  { application, user, grant, nonce, alongside }: IssueTokensInput,
): Promise<TokenResponse> {
  const now = context.clock.now();
  const key = await context.keys.signingKeyFor(application);
  const expiresIn = application.accessTokenValiditySeconds;
  const common = {
    iss: issuerFor(application, context.settings.baseUrl),
    sub: subjectFor(application, user, context.settings.subjectSalt),
    aud: application.clientId,
    iat: now,
    exp: now + expiresIn,
    auth_time: grant.authTime,
  } satisfies JWTPayload;
  const claims = application.includeClaimsInIdToken ? resolveClaims(context.scopeMappings, grant.scopes, user, application) : {};
  const jti = randomToken(16);
  const scope = formatScope(grant.scopes);

  // Only writes inside: a read of another store here could wait on this very transaction
  // (PGlite has a single connection).
  await context.stores.transaction(async (stores) => {
    await alongside?.(stores);
    await stores.accessTokens.create({
      jti,
      grantId: grant.id,
      applicationId: application.id,
      userId: user.id,
      scopes: grant.scopes,
      issuedAt: now,
      expiresAt: now + expiresIn,
      revokedAt: null,
    });
  });
  const accessToken = await signJwt({ ...claims, ...common, client_id: application.clientId, jti, scope }, key, 'at+jwt');
  const idToken = grant.scopes.includes('openid')
    ? await signJwt(
        { ...claims, ...common, at_hash: tokenHash(accessToken, key.alg), ...(nonce !== null ? { nonce } : {}) },
        key,
        'JWT',
      )
    : undefined;
  return { accessToken, tokenType: 'Bearer', expiresIn, scope, ...(idToken !== undefined ? { idToken } : {}) };
}
