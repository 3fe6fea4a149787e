import { type EndpointResponse, errorResponse, noStore } from '../endpoint-response.js';
import { OAuthError, invalidRequest, invalidToken, toOAuthError } from '../errors/oauth-error.js';
import { checkParams, userinfoSyntax } from '../params/param-syntax.js';
import { resolveClaims } from '../scopes/resolve-claims.js';
import type { ServerContext } from '../server-context.js';
import { verifyAccessToken } from '../tokens/verify-access-token.js';
import { subjectFor } from '../users/subject.js';
import { isUsable } from '../users/user.js';

export interface UserinfoInput {
  readonly authorization: string | undefined;
  /** Form body of a POST request; `access_token` may be sent there (RFC 6750 §2.2). */
  readonly params: Readonly<Record<string, string | undefined>>;
  readonly requestId: string;
}

// RFC 6750 §2: exactly one way of sending the token; null when there is none at all.
function readBearerToken(input: UserinfoInput): string | null {
  const header = input.authorization?.match(/^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i)?.[1];
  const body = input.params['access_token'];
  if (input.authorization !== undefined && header === undefined) throw invalidToken('the Authorization header is not a Bearer token');
  if (header !== undefined && body !== undefined) throw invalidRequest('the access token was sent in more than one way');
  return header ?? body ?? null;
}

// RFC 6750 §3: resource errors carry a Bearer challenge; a request without any token gets one
// without error details (§3.1).
function bearerChallenge(error: OAuthError | null): Record<string, string> {
  const details = error ? `, error="${error.code}", error_description="${error.description}"` : '';
  return { 'www-authenticate': `Bearer realm="gatehouse"${details}` };
}

/** The OIDC UserInfo endpoint (OIDC Core §5.3): the claims of the token's scopes, as they are now. */
export async function userinfo(context: ServerContext, input: UserinfoInput): Promise<EndpointResponse> {
  try {
    checkParams(userinfoSyntax, input.params);
    const token = readBearerToken(input);
    if (token === null) return errorResponse(invalidToken('an access token is required'), input.requestId, bearerChallenge(null));
    const { application, record } = await verifyAccessToken(context, token);
    const user = await context.stores.users.find(record.userId);
    if (!isUsable(user, context.clock.now())) throw invalidToken('the user of this access token is no longer active');
    if (!record.scopes.includes('openid')) throw new OAuthError('insufficient_scope', 'the access token lacks the openid scope');
    const claims = await resolveClaims(context, record.scopes, user, application, input.requestId);
    return {
      status: 200,
      headers: noStore,
      // OIDC Core §5.3.2: `sub` must equal the ID token's; like the tokens, mappings cannot change it.
      body: { ...claims, sub: subjectFor(application, user, context.settings.subjectSalt) },
    };
  } catch (error) {
    const oauthError = toOAuthError(error);
    return errorResponse(oauthError, input.requestId, oauthError.status < 500 ? bearerChallenge(oauthError) : {});
  }
}
