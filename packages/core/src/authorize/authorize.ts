import type { Application } from '../clients/application.js';
import { OAuthError, toOAuthError } from '../errors/oauth-error.js';
import { grantRequestedScopes } from '../scopes/grant-requested-scopes.js';
import type { ServerContext } from '../server-context.js';
import { isUsable, type User } from '../users/user.js';
import { isAuthorized } from './access-policy.js';
import type { AuthorizationOutcome, ErrorOutcome, RedirectOutcome } from './authorization-outcome.js';
import { authorizationResponse } from './authorization-response.js';
import type { AuthorizationRequest, ReplyTarget, SessionUser } from './authorization-request.js';
import { consentState, recordConsentDecision, rememberConsent } from './consent.js';
import { consumeInteraction, createInteraction } from './interaction.js';
import { parseAuthorizationRequest, resolveReplyTarget } from './parse-authorization-request.js';

export interface AuthorizeInput {
  /** Query (GET) or form (POST) parameters, each at most once. */
  readonly params: Readonly<Record<string, string | undefined>>;
  readonly session: SessionUser | null;
  readonly requestId: string;
  /**
   * Scopes accepted beyond the application's own, e.g. the vocabulary of a compatibility route
   * (GitHub's `read:user`). Granted only when asked for by name, never by default.
   */
  readonly extraScopes?: readonly string[];
  /**
   * RFC 6749 §3.1.2.3: a request without `redirect_uri` gets the application's only registered
   * (strict) authorization redirect URI, and the token request need not repeat it (§4.1.3).
   * OpenID Connect requires the parameter (OIDC Core §3.1.2.1), so only non-OIDC routes set this.
   */
  readonly defaultRedirectUri?: boolean;
}

export interface ResumeInput {
  readonly interactionId: string;
  readonly session: SessionUser | null;
  readonly requestId: string;
}

export interface ConsentDecisionInput extends ResumeInput {
  readonly decision: 'allow' | 'deny';
}

/** RFC 6749 §4.1.2.1 with RFC 9207's `iss`: the error goes back to the client. */
export function errorRedirect(target: ReplyTarget, error: OAuthError): RedirectOutcome {
  return {
    kind: 'redirect',
    target,
    parameters: {
      error: error.code,
      error_description: error.description,
      ...(target.state !== undefined ? { state: target.state } : {}),
      iss: target.issuer,
    },
  };
}

const errorPage = (description: string, code: 'invalid_request' | 'access_denied' = 'invalid_request'): ErrorOutcome => ({
  kind: 'error',
  error: new OAuthError(code, description, { redirectable: false }),
});

async function activeUser(context: Pick<ServerContext, 'stores' | 'clock'>, session: SessionUser | null): Promise<User | null> {
  if (!session) return null;
  const user = await context.stores.users.find(session.id);
  // A service account never signs in through the browser.
  return isUsable(user, context.clock.now()) && user.type !== 'service_account' ? user : null;
}

/**
 * Everything after the request is valid: login (fresh enough for `prompt=login` / `max_age`),
 * the access and scope policies, consent, and finally the code (OIDC Core §3.1.2.3–§3.1.2.5).
 */
async function proceed(
  context: ServerContext,
  application: Application,
  request: AuthorizationRequest,
  session: SessionUser | null,
  authenticatedAfter: number | null,
  requestId: string,
): Promise<AuthorizationOutcome> {
  const user = await activeUser(context, session);
  if (!user || !session || (authenticatedAfter !== null && session.authTime < authenticatedAfter)) {
    // OIDC Core §3.1.2.6: prompt=none must not show a login page.
    if (request.prompt.includes('none')) throw new OAuthError('login_required', 'the user must sign in');
    const interactionId = await createInteraction(context, { kind: 'login', request, authenticatedAfter });
    return { kind: 'login', interactionId, loginHint: request.loginHint, reauthenticate: user !== null, uiLocales: request.uiLocales };
  }
  const policy = { user, application, scopes: request.scopes, grantType: 'authorization_code', codeVerifier: undefined, jwt: undefined, redirectUri: request.redirectUri };
  if (!(await isAuthorized(context, policy, requestId))) throw new OAuthError('access_denied', 'the user may not use this application with these scopes');
  const consent = await consentState(context, application, request, user.id);
  if (!consent.ask) return authorizationResponse(context, request, application, session, requestId);
  if (request.prompt.includes('none')) throw new OAuthError('consent_required', 'the user has not consented yet');
  const interactionId = await createInteraction(context, { kind: 'consent', request, session, granted: consent.granted });
  return {
    kind: 'consent',
    interactionId,
    application: { name: application.name, slug: application.slug },
    user: { username: user.username, name: user.name },
    scopes: request.scopes.map((scope) => ({
      scope,
      description: context.scopeMappings.get(scope)?.description ?? scope,
      granted: consent.granted.includes(scope),
    })),
    uiLocales: request.uiLocales,
  };
}

async function findApplication(context: Pick<ServerContext, 'stores'>, request: AuthorizationRequest): Promise<Application> {
  const application = await context.stores.applications.findByClientId(request.clientId);
  if (!application || application.id !== request.applicationId) throw new OAuthError('invalid_request', 'the application no longer exists');
  return application;
}

/** The authorization endpoint (RFC 6749 §3.1, OIDC Core §3.1.2) for the code flow. */
export async function authorize(context: ServerContext, input: AuthorizeInput): Promise<AuthorizationOutcome> {
  let resolved: Awaited<ReturnType<typeof resolveReplyTarget>>;
  try {
    resolved = await resolveReplyTarget(input.params, context, { defaultRedirectUri: input.defaultRedirectUri === true });
  } catch (error) {
    return { kind: 'error', error: toOAuthError(error) };
  }
  const { application, target, redirectUriImplied } = resolved;
  try {
    const parsed = parseAuthorizationRequest(input.params, application, target, context.settings);
    const granted = await grantRequestedScopes(context, application, parsed.scopes, input.requestId, input.extraScopes);
    // OIDC Core §3.2.2.1: an ID token is for openid requests only.
    if (parsed.responseType.includes('id_token') && !granted.includes('openid')) throw new OAuthError('invalid_scope', 'an id_token response needs the openid scope');
    // OIDC Core §11: offline access is only worth a code's refresh token.
    const scopes = parsed.responseType.includes('code') ? granted : granted.filter((scope) => scope !== 'offline_access');
    const request: AuthorizationRequest = { ...parsed, scopes, ...(redirectUriImplied ? { redirectUriImplied } : {}) };
    const now = context.clock.now();
    // OIDC Core §3.1.2.1: prompt=login and an exceeded max_age both ask for a new login.
    const tooOld = request.maxAge !== undefined && input.session !== null && now - input.session.authTime > request.maxAge;
    const authenticatedAfter = request.prompt.includes('login') || tooOld ? now : null;
    return await proceed(context, application, request, input.session, authenticatedAfter, input.requestId);
  } catch (error) {
    return errorRedirect(target, toOAuthError(error));
  }
}

/** Back from the login page: continue the request the interaction holds. */
export async function resumeAuthorization(context: ServerContext, input: ResumeInput): Promise<AuthorizationOutcome> {
  // Single use: still not signed in (or not freshly enough) yields a new login interaction.
  const interaction = await consumeInteraction(context, input.interactionId);
  if (interaction?.kind !== 'login') return errorPage('this sign-in request has expired; start again from the application');
  try {
    const application = await findApplication(context, interaction.request);
    return await proceed(context, application, interaction.request, input.session, interaction.authenticatedAfter, input.requestId);
  } catch (error) {
    return errorRedirect(interaction.request, toOAuthError(error));
  }
}

/** The user's answer on the consent page: a code for `allow`, `access_denied` for `deny`. */
export async function completeConsent(context: ServerContext, input: ConsentDecisionInput): Promise<AuthorizationOutcome> {
  const interaction = await consumeInteraction(context, input.interactionId);
  if (interaction?.kind !== 'consent') return errorPage('this consent request has expired or was already answered; start the sign-in again');
  const { request, session, granted } = interaction;
  if (!input.session || input.session.id !== session.id) return errorPage('this consent request belongs to another session', 'access_denied');
  try {
    const application = await findApplication(context, request);
    const answer = { applicationId: application.id, userId: session.id, scopes: request.scopes, requestId: input.requestId, grantType: 'authorization_code' };
    await recordConsentDecision(context, input.decision, answer);
    if (input.decision === 'deny') throw new OAuthError('access_denied', 'the user denied the request');
    await rememberConsent(context, application, [...new Set([...granted, ...request.scopes])], session.id);
    return await authorizationResponse(context, request, application, session, input.requestId);
  } catch (error) {
    return errorRedirect(request, toOAuthError(error));
  }
}
