import { randomUUID } from 'node:crypto';
import type { Application } from '../clients/application.js';
import { OAuthError } from '../errors/oauth-error.js';
import type { ServerContext } from '../server-context.js';
import type { Grant } from '../storage/grant-store.js';
import { mintTokens, recordingNewGrant } from '../tokens/issue-tokens.js';
import { isUsable } from '../users/user.js';
import { issueAuthorizationCode, sidOf } from './authorization-code.js';
import type { RedirectOutcome } from './authorization-outcome.js';
import type { AuthorizationRequest, SessionUser } from './authorization-request.js';

/**
 * The successful authorization response (OIDC Core §3.1.2.5, §3.2.2.5, §3.3.2.5): a code, tokens,
 * or both, with `state` and RFC 9207's `iss`. Tokens handed out here belong to a grant written
 * now; a code issued beside them redeems into the same grant.
 */
export async function authorizationResponse(
  context: ServerContext,
  request: AuthorizationRequest,
  application: Application,
  session: SessionUser,
  requestId: string,
): Promise<RedirectOutcome> {
  const withCode = request.responseType.includes('code');
  const withToken = request.responseType.includes('token');
  // OIDC Core §3.3.2.5: `code token` returns no ID token from here, even for an openid request.
  const withIdToken = request.responseType.includes('id_token');
  const frontChannel = withToken || withIdToken;
  const grantId = randomUUID();
  const code = withCode ? await issueAuthorizationCode(context, request, application, session, { id: grantId, created: frontChannel }) : undefined;
  const parameters: Record<string, string> = code !== undefined ? { code } : {};
  if (frontChannel) {
    const user = await context.stores.users.find(session.id);
    if (!isUsable(user, context.clock.now())) throw new OAuthError('access_denied', 'the user is no longer active');
    const grant: Grant = {
      id: grantId,
      applicationId: application.id,
      userId: user.id,
      scopes: request.scopes,
      authTime: session.authTime,
      nonce: request.nonce ?? null,
      amr: session.amr ?? [],
      sid: sidOf(session),
      createdAt: context.clock.now(),
      revokedAt: null,
    };
    const tokens = await mintTokens(
      context,
      {
        application, user, grant, nonce: grant.nonce, requestId,
        // The grant's id is new: taken, it would be a fault, not a replay.
        record: recordingNewGrant(context.stores, grant, undefined, () => new Error(`grant ${grant.id} exists already`)),
      },
      { withAccessToken: withToken, withIdToken, ...(code !== undefined ? { code } : {}) },
    );
    if (tokens.accessToken !== undefined) {
      Object.assign(parameters, { access_token: tokens.accessToken, token_type: 'Bearer', expires_in: String(tokens.expiresIn), scope: tokens.scope });
    }
    if (tokens.idToken !== undefined) parameters['id_token'] = tokens.idToken;
  }
  await context.stores.events.record({
    action: 'authorize_application',
    at: context.clock.now(),
    applicationId: application.id,
    userId: session.id,
    requestId,
    context: { scopes: request.scopes, responseType: request.responseType.join(' ') },
  });
  return {
    kind: 'redirect',
    target: request,
    parameters: { ...parameters, ...(request.state !== undefined ? { state: request.state } : {}), iss: request.issuer },
  };
}
